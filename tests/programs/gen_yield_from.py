def inner(n):
    for i in range(n):
        yield i


def chain(*its):
    for it in its:
        yield from it


print(list(chain(inner(2), [10, 20], "ab", inner(3))))


def tree(depth):
    if depth == 0:
        yield "leaf"
        return
    yield f"node{depth}"
    yield from tree(depth - 1)
    yield from tree(depth - 1)


print(list(tree(2)))
