# Big ints compare exactly with floats; float() rounds correctly; mixed arithmetic.
big = 2 ** 80
print(big == 2.0 ** 80, big + 1 == 2.0 ** 80, big + 1 > 2.0 ** 80, big - 1 < 2.0 ** 80)
print(big < float('inf'), -big > float('-inf'), big == float('nan'), 10 ** 400 > 1e308)
print(float(2 ** 53 + 1), float(2 ** 64 + 2 ** 11), float(2 ** 64 + 2 ** 11 + 1), float(-3 ** 100))
print(big * 1.5, big / 3, big + 0.5, 1e20 - 10 ** 20, 2 ** 200 / 2 ** 100)
print(max(2 ** 70, 1e21), min(-(2 ** 70), -1e21), sorted([1e25, 10 ** 25, 2 ** 83]))
