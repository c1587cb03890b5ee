def f(a, b, c):
    return a


f(b=1)
