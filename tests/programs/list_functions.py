# Builtins applied to lists.
xs = [5, -2, 9, 0, 3]
print(len(xs), sum(xs), min(xs), max(xs))
print(sorted(xs), xs)
print(min(4, 2, 8), max(4, 2, 8), min("b", "a"), max([1.5, 2, -3]))
print(sum([]), sum([0.5, 0.25]))
print(list(xs) == xs)
print(tuple(xs))
print(sorted(["b", "A", "c", "a"]))
print(sorted([3.5, 1, 2.25, -1]))
r = []
for x in reversed(xs):
    r.append(x)
print(r)
for x in reversed([1, 2, 3]):
    print(x, end=",")
print()
