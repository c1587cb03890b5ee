def f(a, b=2):
    return a


print(f(1, b=3))
f(1, c=3)
