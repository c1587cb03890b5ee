# for over lists, strings, tuples and dicts.
for x in [1, "two", 3.0, None, [4]]:
    print(repr(x))
for c in "hey":
    print(c)
for t in (10, 20):
    print(t)
for k in {"one": 1, "two": 2}:
    print(k)
for k, v in {"one": 1, "two": 2}.items():
    print(k, v)
for a, b in [(1, 2), (3, 4)]:
    print(a + b)
for row in [[1, 2, 3], [4, 5, 6]]:
    s = 0
    for v in row:
        s += v
    print(s)
xs = [1, 2, 3]
for x in xs:
    if x == 2:
        xs.append(99)
print(xs)
