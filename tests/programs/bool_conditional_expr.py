# Conditional expressions.
for n in range(-2, 3):
    sign = "neg" if n < 0 else "zero" if n == 0 else "pos"
    print(n, sign)
x = 5
print("big" if x > 3 else "small", 1 if [] else 2)
print([x * 2 if x % 2 else x // 2, -1 if x else 1])


def side(v):
    print("side", v)
    return v


print(side("a") if True else side("b"))
print(side("a") if None else side("b"))
m = x if x > 10 else 10
print(m)
print(abs(-3) if x else 0)
