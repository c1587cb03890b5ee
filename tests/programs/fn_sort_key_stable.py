def first(p):
    return p[0]


pairs = [(3, "c"), (1, "a"), (3, "a"), (2, "x"), (1, "b")]
pairs.sort(key=first)
print(pairs)
pairs.sort(key=first, reverse=True)
print(pairs)
nums = [5, -3, 2, -8, 0]
nums.sort(key=abs)
print(nums)
