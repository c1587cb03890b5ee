# A big int index raises IndexError (cannot fit in an index).
a = [1, 2, 3]
print(a[2 ** 40 - 2 ** 40 + 1])
print(a[2 ** 64])
