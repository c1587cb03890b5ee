def a(x):
    def b(y):
        def c(z):
            return x + y + z
        return c
    return b


print(a(1)(20)(300))


def outer():
    v = "outer"

    def middle():
        def inner():
            return v
        return inner()

    return middle()


print(outer())
