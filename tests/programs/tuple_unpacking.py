# Tuple unpacking and swapping.
a, b = 1, 2
print(a, b)
a, b = b, a
print(a, b)
p, q = [10, 20]
print(p, q)
(m, n) = (3, 4)
print(m, n)
a, b, c = 1, 2, 3
a, b, c = c, a, b
print(a, b, c)


def divmod2(u, v):
    return u // v, u % v


qq, rr = divmod2(17, 5)
print(qq, rr)
res = divmod2(-17, 5)
print(res)
pairs = [(1, "a"), (2, "b"), (3, "c")]
for num, letter in pairs:
    print(num, letter)
f0, f1 = 0, 1
for i in range(10):
    f0, f1 = f1, f0 + f1
print(f0)
