# Large products that stay within signed 64-bit.
x = 3037000499
print(x * x)
print(2 ** 62)
print(2 ** 62 - 1 + 2 ** 62)
print(-(2 ** 62) - 2 ** 62)
f = 1
n = 1
while n <= 20:
    f = f * n
    print(n, f)
    n += 1
print(f // 1000000007, f % 1000000007)
print(9223372036854775807)
print(-9223372036854775807 - 1)
big = 1234567890123
print(big * 7000000, big * 7000000 // 13, big * 7000000 % 13)
