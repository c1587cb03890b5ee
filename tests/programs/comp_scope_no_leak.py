x = "outer"
ys = [x for x in range(3)]
print(x, ys)


def f():
    i = 100
    squares = [i * i for i in range(4)]
    return i, squares


print(f())
total = 10
print([total + t for t in range(3)])
