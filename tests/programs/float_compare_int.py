# Comparisons between floats and ints, and float-to-int conversion.
print(2 ** 53 == 2.0 ** 53, 2 ** 53 + 1 == 2.0 ** 53)
print(0.1 + 0.2 == 0.3, 0.1 + 0.2 > 0.3)
print(-0.0 == 0.0, -0.0 == 0, 1e16 == 10000000000000000)
print(int(1e16), int(-2.5), int(2.5), int(0.9999999))
print(int(123456789.987), float(2 ** 40))
print(max(1, 1.0), max(1.0, 1), min(-0.0, 0))
print(3 / 2 == 1.5, 3 // 2 == 1.5, 7 // 2.0 == 3)
print(sorted([3, 2.5, -1, 0.0, 1]))
