f = lambda a, b: a + b
print(f(1, 2))
f(1)
