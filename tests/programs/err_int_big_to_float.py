# A big int too large for a float raises OverflowError.
x = 10 ** 400
print(x > 0)
print(x * 1.0)
