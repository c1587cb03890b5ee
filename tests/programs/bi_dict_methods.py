# dict.setdefault, update (dict, pairs, keywords), popitem (LIFO), dict(pairs), dict | dict.
d = {"a": 1}
print(d.setdefault("a", 5), d.setdefault("b", 7), d.setdefault("c"), d)
d.update({"x": 1}, y=2)
d.update([("z", 3)])
print(d)
print(d.popitem(), d.popitem(), d)
print({1: 2} | {3: 4, 1: 5}, dict([(1, "a"), (2, "b")]), dict(zip("xy", (1, 2)), z=0))
x = {"k": 1}
x |= {"j": 2}
print(x)
