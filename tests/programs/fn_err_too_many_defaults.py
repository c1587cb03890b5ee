def f(a, b=1, c=2):
    return a


print(f(1, 2, 3))
f(1, 2, 3, 4)
