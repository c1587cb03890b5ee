# zip of several iterables stops at the shortest.
print(list(zip([1, 2, 3], "ab")), list(zip()), list(zip(range(3), range(10, 13), "xyz")))
print(dict(zip("ab", [1, 2])), list(zip([1, 2])))
for i, (a, b) in enumerate(zip([1, 2], [3, 4])):
    print(i, a, b)
