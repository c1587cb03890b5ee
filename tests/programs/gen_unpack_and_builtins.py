def pairs():
    yield 1, "a"
    yield 2, "b"


a, b = pairs()
print(a, b)
print(dict(pairs()) if False else {k: v for k, v in pairs()})
print(sorted(x for x in [3, 1, 2]))
print(min(x for x in [4, 2, 8]), max((x for x in [4, 2, 8]), key=lambda v: -v))
print(list(enumerate(pairs())) if False else list(zip(*[[1, 2], [3, 4]])) if False else [p for p in pairs()])
print(" ".join(s for _, s in pairs()))
