def scale(factor):
    def apply(values):
        return [v * factor for v in values]
    factor = factor * 2
    return apply


print(scale(3)([1, 2, 3]))


def acc(total):
    def add(x):
        nonlocal total
        total += x
        return total
    return add


f = acc(10)
print(f(1), f(2), f(3))
