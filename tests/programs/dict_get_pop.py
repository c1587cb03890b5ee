# dict.get and dict.pop variants, and keys of several types.
d = {1: "a", 2: "b", "x": None}
print(d.get(1), d.get(3), d.get(3, "dflt"), d.get("x", "dflt"))
print(d.get("x") is None)
v = d.pop(2)
print(v, d)
print(len(d))
keys = list(d.keys())
for k in keys:
    del d[k]
print(d, len(d))
