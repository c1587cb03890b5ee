# str() of ints around the 4300-digit limit: the same digits or ValueError as CPython,
# decided before the (quadratic) conversion for ints far beyond it.
for n in (4299, 4300, 4301, 14000, 100000):
    x = 10 ** (n - 1)
    try:
        s = str(x)
        print(n, len(s))
    except ValueError as e:
        print(n, "ValueError", e)
    try:
        print(n, len(str(-x - 1)), len(repr(x * 9)))
    except ValueError as e:
        print(n, "ValueError")
x = 2 ** 14284
try:
    print(len(str(x)))
except ValueError:
    print("2**14284 too long")
x = 2 ** 14280
print(len(str(x)))
big = 7 ** 200000
try:
    print(big)
except ValueError as e:
    print("7**200000:", e)
print(big % 1000, big.bit_length())
