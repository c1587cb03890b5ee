def make(n):
    return [lambda: i * n for i in range(3)]


print([f() for f in make(10)])


def table(rows, cols):
    return [[r * cols + c for c in range(cols)] for r in range(rows)]


print(table(3, 4))


def offsets(base):
    return {k: base + k for k in range(3)}


print(offsets(100))
