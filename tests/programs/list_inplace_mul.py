# lst *= n repeats the list in place (other references see it); __imul__ is used by *=
a = [1, 2]
alias = a
a *= 3
print(a is alias, alias)
a *= 1
print(alias)
a *= 0
print(a is alias, alias, len(alias))
b = ["x"]
b *= -2
print(b)
grid = [[0] * 2]
row = grid
grid *= 2
grid[0][0] = 5              # the rows are the same object, as CPython
print(row, grid[1][0])
t = (1, 2)
u = t
t *= 2
print(t, u, t is u)
s = "ab"
s *= 3
print(s)
n = 7
n *= 6
f = 1.5
f *= 4
print(n, f, 2 ** 62 * 4)
big = 2 ** 62
big *= 8
print(big)


class Vec:
    def __init__(self, xs):
        self.xs = xs

    def __imul__(self, k):
        print("imul", k)
        self.xs = [x * k for x in self.xs]
        return self

    def __repr__(self):
        return "Vec(%r)" % self.xs


class Plain:
    def __init__(self, v):
        self.v = v

    def __mul__(self, k):
        return Plain(self.v * k)


v = Vec([1, 2])
w = v
v *= 3
print(v is w, w)
p = Plain(2)
q = p
p *= 5
print(p is q, p.v, q.v)
d = {"k": [0]}
inner = d["k"]
d["k"] *= 3
print(inner, d["k"] is inner)
try:
    a *= "x"
except TypeError as e:
    print("TypeError:", e)
try:
    z = None
    z *= 2
except TypeError as e:
    print("TypeError:", e)
