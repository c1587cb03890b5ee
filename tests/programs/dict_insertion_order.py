# Dicts preserve insertion order; updating a key keeps its position.
d = {}
d["zebra"] = 1
d["apple"] = 2
d["mango"] = 3
d[10] = 4
d[-5] = 5
print(d)
d["zebra"] = 99
print(list(d.keys()))
del d["apple"]
d["apple"] = 7
print(d)
for k in d:
    print(k, d[k])
print(list(d.values()))
print(list(d.items()))
d.pop("mango")
d["mango"] = 0
print(d)
