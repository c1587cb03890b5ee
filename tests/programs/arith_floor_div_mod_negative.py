# Floor division and modulo follow Python semantics (round toward -inf).
pairs = [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 3), (0, -3), (1, 5), (-1, 5), (6, 3), (-6, 3), (6, -3)]
for p in pairs:
    a = p[0]
    b = p[1]
    q = a // b
    r = a % b
    print(a, b, q, r, q * b + r == a)
i = -10
while i <= 10:
    print(i, i // 4, i % 4, i // -4, i % -4)
    i += 3
