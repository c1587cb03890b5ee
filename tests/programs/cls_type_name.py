# type(x) and type(x).__name__ for instances and built-in values
class Thing:
    pass

t = Thing()
print(type(t).__name__, Thing.__name__)
print(type(t) is Thing, type(t) == Thing)
for v in [1, 2.0, "s", [1], (1,), {1: 2}, True]:
    print(type(v).__name__)
print(type(3) == int, type("x") is str, type(3) is float)
print(type(t))
print(type(5), type("a"))
print(Thing)
