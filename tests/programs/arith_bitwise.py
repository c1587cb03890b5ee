# Bitwise operators on ints, including negatives.
a = 0b1100
b = 0b1010
print(a & b, a | b, a ^ b)
print(a << 2, a >> 2, 1 << 40, (1 << 62) >> 61)
print(-1 & 255, -8 >> 1, -1 >> 10, -17 >> 2)
print(~a, ~b & 0xFF)
print(0xFF ^ 0x0F, 0o17, 0x7fffffff)
x = 123456789
count = 0
while x:
    count += x & 1
    x >>= 1
print("popcount", count)
v = 1
v <<= 5
v |= 3
v &= 0x2F
v ^= 0x10
print(v)
print(5 & 3 | 8 ^ 2)
print(1 + 2 << 3)
