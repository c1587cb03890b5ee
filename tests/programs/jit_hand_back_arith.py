# Compiled loops whose guards fail mid-loop: int overflow into big ints,
# int/float mixing, bools, NaN ordering, division edge cases.
def grow(n):
    x = 3
    for i in range(n):
        x = x * x + i          # overflows 64 bits after a few steps: a big int
    return x

def mixed(n):
    t = 0
    for i in range(n):
        if i % 3 == 0:
            t = t + 0.5        # int + float
        elif i % 3 == 1:
            t = t * 2          # float * int
        else:
            t = t - True       # a bool operand
    return t

def cmp_nan(xs):
    lt = le = gt = ge = 0
    for x in xs:
        for y in xs:
            if x < y:
                lt += 1
            if x <= y:
                le += 1
            if x > y:
                gt += 1
            if x >= y:
                ge += 1
    return lt, le, gt, ge

def divs(n):
    out = []
    for i in range(-n, n):
        if i == 0:
            continue
        out.append((7 // i, 7 % i, -7 // i, -7 % i, 7 / i))
    return out

def shifted(n):
    s = 0
    i = n
    while i > -n:
        s += i // 3 + i % 5
        i -= 7
    return s

print(grow(8))
print(mixed(31))
nan = float("nan")
print(cmp_nan([1.0, nan, -2.5, 1.0, float("inf")]))
print(divs(4))
print(shifted(100))
print(2 ** 0.5, 2.0 ** 0.5, 0.5 ** 2.0, (-8.0) ** (1 / 3) if False else 1.5 ** 1.5)
big = 2 ** 62
total = 0
for k in range(4):
    total += big              # past 2**63 inside the loop
print(total)
print(9007199254740993 / 3, 3 / 9007199254740993, 10 / 4)
