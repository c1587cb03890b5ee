# without __eq__, instances compare and hash by identity
class P:
    pass

a, b = P(), P()
print(a == a, a == b, a != b, a is a)
d = {a: 1, b: 2}
print(d[a], d[b], len(d))
print(a in [b], a in [b, a])
