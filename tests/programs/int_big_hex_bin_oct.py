# hex(), oct() and bin() of small, negative and big ints.
for v in (0, 1, -1, 255, -255, 2 ** 63, -(2 ** 64), 3 ** 50):
    print(hex(v), oct(v), bin(v))
