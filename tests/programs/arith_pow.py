# Integer and float powers.
i = 0
while i <= 12:
    print(i, 2 ** i, 3 ** i, (-3) ** i)
    i += 1
print(10 ** 18)
print(2.0 ** 10, 1.5 ** 3, 0.5 ** 4)
print(2.0 ** -2)
print(4 ** 0, 0 ** 0, 0 ** 5)
print((-1) ** 63)
