def outer(n):
    for i in range(n):
        yield (j for j in range(i))


print([list(g) for g in outer(4)])


def flatten(xs):
    for x in xs:
        if isinstance(x, list):
            yield from flatten(x)
        else:
            yield x


print(list(flatten([1, [2, [3, [4]], 5], [[6]]])))
