# str() of an int with more than 4300 digits raises ValueError, as in CPython 3.11.
x = 10 ** 5000
print(len(hex(x)))
print(str(x))
