# 0.0 to a negative power is a ZeroDivisionError.
print(0.0 ** 2)
print(0.0 ** -1.5)
