def f(a, *, key=1):
    return a


f(1, 2)
