def greet(name, greeting="hello", punct="!"):
    return greeting + ", " + name + punct


print(greet("ann"))
print(greet("bob", "hi"))
print(greet("cy", "yo", "?"))
print(greet("dee", punct="."))


def scale(x, factor=2.5):
    return x * factor


print(scale(4), scale(4, 1))
