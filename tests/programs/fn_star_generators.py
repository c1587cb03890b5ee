def gen(n):
    for i in range(n):
        yield i


def total(*xs):
    return sum(xs)


print(total(*gen(5)), total(*gen(0)))
print(*gen(3), sep="-")

print(max(*gen(4)), min(0, *gen(3)))
print(list(zip(*[gen(2), gen(3)])) if False else [x for x in gen(2)])
