# Powers of big ints, negative exponents, and 3-argument pow.
print(2 ** 200, (-3) ** 41, 10 ** 50, 7 ** 0, (2 ** 64) ** 3)
print(2 ** -70, (2 ** 70) ** -1, 0 ** 0, (-1) ** (2 ** 70), 1 ** (10 ** 30))
print(pow(3, 200, 10 ** 9 + 7), pow(2 ** 90, 2 ** 70 + 3, 10 ** 12), pow(-7, 13, 11), pow(7, 13, -11))
print(pow(3, -1, 11), pow(10, -3, 7), pow(2, 10), pow(2.0, 3))
