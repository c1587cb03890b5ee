# Newton's method for square roots with floats, integer sqrt with ints.


def fsqrt(x):
    if x == 0:
        return 0.0
    g = x / 2.0
    for i in range(60):
        g = (g + x / g) / 2.0
    return g


def isqrt(n):
    if n < 2:
        return n
    x = n
    y = (x + 1) // 2
    while y < x:
        x = y
        y = (x + n // x) // 2
    return x


for v in [2, 9, 10, 0.25, 1e10]:
    print(v, fsqrt(v))
for n in [0, 1, 15, 16, 17, 1000000, 1000000000000000000, 4611686018427387904]:
    print(n, isqrt(n))
print(f"{fsqrt(2):.10f}")
