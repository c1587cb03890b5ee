# Bitwise operators and shifts on big and negative ints, with two's complement semantics.
a = 2 ** 100 + 12345
b = -(2 ** 70) + 99
print(a & b, a | b, a ^ b, ~a, ~b)
print(b & 0xFFFFFFFF, b | 1, -a & -b, -a | -b, -a ^ b)
print(a >> 50, b >> 3, b >> 200, -1 >> 100, a << 3, b << 40, 1 << 200)
print((1 << 64) - 1 == 0xFFFFFFFFFFFFFFFF, (-1 << 64) >> 63)
