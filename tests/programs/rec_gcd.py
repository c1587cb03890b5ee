# Recursive gcd, lcm, and related helpers.


def gcd(a, b):
    if b == 0:
        return a
    return gcd(b, a % b)


def lcm(a, b):
    return a // gcd(a, b) * b


def power(base, exp):
    if exp == 0:
        return 1
    half = power(base, exp // 2)
    if exp % 2 == 0:
        return half * half
    return half * half * base


print(gcd(48, 18), gcd(17, 5), gcd(0, 9), gcd(1071, 462))
print(lcm(4, 6), lcm(21, 6))
l = 1
for i in range(1, 31):
    l = lcm(l, i)
print(l)
print(power(3, 13), power(2, 62), power(7, 0))
