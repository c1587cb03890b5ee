def f(a, *, key, other):
    return a


f(1, other=2)
