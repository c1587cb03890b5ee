# Dictionary basic operations.
d = {"a": 1, "b": 2}
print(d)
d["c"] = 3
print(d, len(d))
print(d["a"], d["c"])
d["a"] = 100
print(d)
del d["b"]
print(d)
print("a" in d, "b" in d, "b" not in d)
print(d.get("a"), d.get("zz"), d.get("zz", 0))
print(d.pop("c"), d)
e = dict()
print(e, len(e))
e[1] = "one"
e[2] = "two"
print(e)
print({}, {"x": []}, {(1, 2): None})
print(d == {"a": 100}, d != {"a": 100})
