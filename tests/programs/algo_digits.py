# Digit manipulation: sums, reversal, Armstrong numbers.


def digit_sum(n):
    s = 0
    while n > 0:
        s += n % 10
        n //= 10
    return s


def reverse_int(n):
    r = 0
    while n > 0:
        r = r * 10 + n % 10
        n //= 10
    return r


print(digit_sum(987654321), reverse_int(1234500), reverse_int(9))
arm = []
for n in range(1, 10000):
    k = len(str(n))
    s = 0
    for ch in str(n):
        s += int(ch) ** k
    if s == n:
        arm.append(n)
print(arm)
print(digit_sum(2 ** 62), len(str(2 ** 62)))
