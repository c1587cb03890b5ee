def f(a, b, c):
    return a * 100 + b * 10 + c


args = [1, 2, 3]
print(f(*args))
print(f(9, *args[1:]))
print(f(*(4, 5), 6))
print(f(*"123" and [7, 8, 9]))
print(f(*range(3)))
pairs = {"x": 1, "y": 2}
print(*pairs)
print(*[1, 2, 3], sep=", ")
xs = []
xs.append(*[42])
print(xs)
print(max(*[3, 9, 2]))
