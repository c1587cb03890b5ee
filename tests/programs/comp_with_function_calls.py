def sq(x):
    return x * x


def even(x):
    return x % 2 == 0


print([sq(x) for x in range(8) if even(x)])
print(sum(sq(x) for x in range(100)))
print({x: sq(x) for x in range(4)})
fs = [sq, abs, str]
print([f(-3) for f in fs])
print([g(2) for g in [lambda v, k=k: v + k for k in range(3)]])
