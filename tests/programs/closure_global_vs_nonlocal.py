x = "global"


def f():
    x = "enclosing"

    def g():
        global x
        x = "set by g"

    def h():
        nonlocal x
        x = "set by h"

    g()
    print(x)
    h()
    print(x)


f()
print(x)
