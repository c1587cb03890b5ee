square = lambda x: x * x
print(square(7))
print((lambda a, b=3, *rest, **kw: (a, b, rest, kw))(1, 2, 3, z=4))
pairs = [(1, "one"), (3, "three"), (2, "two")]
print(sorted(pairs, key=lambda p: p[1]))
print(list(map(lambda s: s.upper(), ["a", "b"])))
print(list(filter(lambda n: n % 3 == 0, range(10))))
print(max(["apple", "fig", "banana"], key=lambda w: len(w)))
nothing = lambda: None
print(nothing())
