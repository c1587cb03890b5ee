# keys(), values(), items() are live views with CPython repr, len, in, set operations on keys.
d = {"a": 1, "b": 2}
k, v, it = d.keys(), d.values(), d.items()
print(k, v, it, len(k), "a" in k, 2 in v, ("b", 2) in it, ("b", 3) in it)
d["c"] = 3
print(k, list(v), sorted(it, reverse=True), bool({}.keys()))
print(k == {"a", "b", "c"}, k & {"a", "z"}, k | {"q"} == {"a", "b", "c", "q"}, k - {"a"} == {"b", "c"}, it == d.items(), v == v)
for key in d.keys():
    print(key, d[key])
print(list(zip(d.keys(), d.values())), max(d.values()), sum(d.values()), [x for x in d.items()])
print(repr({}.keys()), {1: [1, 2]}.values(), {(1, 2): 'x'}.items())
