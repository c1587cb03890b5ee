# An uncaught UnboundLocalError: traceback and CPython's message
x = 10


def f():
    print(x)
    x = 1


f()
