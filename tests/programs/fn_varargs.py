def count(*args):
    return len(args), args


print(count())
print(count(1))
print(count(1, "two", [3]))


def head_tail(first, *rest):
    return first, rest


print(head_tail(1, 2, 3))
print(head_tail("only"))


def total(*nums):
    s = 0
    for x in nums:
        s += x
    return s


print(total(*range(5)), total(1, 2, *[3, 4], 5))
