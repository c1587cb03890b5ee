# Equal numbers are the same dict key: 1, 1.0 and True.
d = {1: "int"}
d[1.0] = "float"
print(d)
d[True] = "bool"
print(d, len(d))
print(d.get(1), d[1.0], d[True])
e = {0: "zero"}
print(False in e, 0.0 in e, e[False])
e[2.5] = "x"
print(2.5 in e, 2 in e)
