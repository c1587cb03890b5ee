# Mixing ints and floats.
print(1 + 2.0)
print(3 * 0.5)
print(7 / 2)
print(8 / 2)
print(7 // 2.0)
print(7 % 2.5)
print(2 ** 3, 2.0 ** 3)
print(int(3.9), int(-3.9), int(3.0))
print(float(3), float(-0))
print(int("42"), int("-17"), int(" 8 "))
print(int(True), int(False), float(True))
print(1 == 1.0, 2 < 2.5, 3 >= 3.0)
print(abs(-3), abs(-3.5), abs(0))
print(min(1, 2.5), max(1, 2.5), min(3.0, 3))
print(sum([1, 2, 3.5]))
print(True + True, True * 3, False - 1)
print(10 / 4 * 4)
x = 5
x += 0.5
print(x)
x = 5
x /= 5
print(x)
