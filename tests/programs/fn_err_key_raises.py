def bad(x):
    return 10 // x


print(sorted([1, 2], key=bad))
print(sorted([1, 0, 2], key=bad))
