# A float power too large for a float is an OverflowError.
print(10.0 ** 300)
print(10.0 ** 400)
