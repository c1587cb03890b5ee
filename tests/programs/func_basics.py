# Function definition, call, return values.


def add(a, b):
    return a + b


def no_return():
    x = 1


def early(n):
    if n > 0:
        return "positive"
    return "non-positive"


def many(a, b, c, d, e, f):
    return a * 100000 + b * 10000 + c * 1000 + d * 100 + e * 10 + f


def nothing():
    return


print(add(2, 3), add("a", "b"), add([1], [2]), add(1.5, 1))
print(no_return())
print(early(5), early(-5))
print(many(1, 2, 3, 4, 5, 6))
print(nothing())
print(add(add(1, 2), add(3, 4)))


def uses_later():
    return defined_later() * 2


def defined_later():
    return 21


print(uses_later())
