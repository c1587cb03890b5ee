def multipliers():
    return [lambda x, k=k: x * k for k in range(1, 4)]


print([m(10) for m in multipliers()])


def power(e):
    return lambda b: b ** e


cube = power(3)
print(cube(2), power(2)(9))
adders = [(lambda n: lambda x: x + n)(i) for i in range(3)]
print([a(100) for a in adders])
