# Dict lookups with str and int keys (inline probes) against keys of other
# types with equal hashes: True/1, 1.0/1, -1/-2, bytes/str, deleted entries,
# unhashable keys, missing keys, mutation during iteration.
d = {1: "int", "a": "str", -1: "m1", -2: "m2"}
print(d[True], d[1.0], True in d, 1.0 in d, d.get(True), d.get(1.5, "no"))
print(d[-1], d[-2], -1 in d, -3 in d, -3 not in d)
d[True] = "bool"
print(d, len(d))
d[1.0] = "float"
print(d)
print(b"a" in d, "a" in d, d.get(b"a", "none"))
k = "".join(["k", "e", "y"])
d[k] = 1
d["key"] += 41
print(d["key"], d[k], k in d, "ke" + "y" in d)
del d["a"]
print("a" in d, d.get("a", 0), list(d))
d["a"] = "back"
print(list(d))
try:
    d[[1]]
except TypeError as e:
    print("TE", e)
try:
    print([1] in d)
except TypeError as e:
    print("TE", e)
try:
    d.get({}, 0)
except TypeError as e:
    print("TE", e)
try:
    d[[2]] = 0
except TypeError as e:
    print("TE", e)
try:
    print(d["missing"])
except KeyError as e:
    print("KE", e)
try:
    print(d[12345])
except KeyError as e:
    print("KE", e)
big = {2 ** 61: "big", -(2 ** 61): "nbig", 2 ** 60 - 1: "edge"}
print(big[2 ** 61], big[-(2 ** 61)], big[2 ** 60 - 1], 2 ** 60 in big)
ints = {}
for i in range(3000):
    k = (i * 7919) % 1000
    if k in ints:
        ints[k] += i
    else:
        ints[k] = i
print(len(ints), sum(ints.values()), ints[0], ints[999])
words = {}
for i in range(5000):
    w = "w" + str((i * 31) % 997)
    words[w] = words.get(w, 0) + 1
print(len(words), words["w0"], max(words.values()))
try:
    for key in words:
        words[key + "!"] = 1
except RuntimeError as e:
    print("RE", e)
e = {}
for i in range(100):
    e["x" + str(i)] = i
for i in range(0, 100, 2):
    del e["x" + str(i)]
print(len(e), "x2" in e, "x3" in e, e["x99"], list(e)[:3])
