def f(a, b=0, **rest):
    return a, b, sorted(rest.items())


d = {"a": 1, "b": 2}
print(f(**d))
print(f(**{"a": 5}, z=3))
print(f(0, **{"b": 7, "q": 8}))
opts = {"sep": "|", "end": ";\n"}
print("x", "y", **opts)
print(dict(**{"k": 1}, m=2))
