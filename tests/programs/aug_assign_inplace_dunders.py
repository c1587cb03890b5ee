# /= //= %= **= <<= >>= call __itruediv__ ... in place, falling back to the
# binary operator (and its reflected form), as CPython.


class Acc:
    def __init__(self, v):
        self.v = v

    def __itruediv__(self, o):
        self.v = self.v / o
        return self

    def __ifloordiv__(self, o):
        self.v = self.v // o
        return self

    def __imod__(self, o):
        self.v = self.v % o
        return self

    def __ipow__(self, o):
        self.v = self.v ** o
        return self

    def __ilshift__(self, o):
        self.v = self.v << o
        return self

    def __irshift__(self, o):
        self.v = self.v >> o
        return self

    def __repr__(self):
        return f"Acc({self.v})"


a = Acc(100)
alias = a
a /= 8
print(a, a is alias)
a = Acc(100)
alias = a
a //= 7
a %= 5
a **= 3
a <<= 2
a >>= 1
print(a, a is alias)


class Plain:
    def __init__(self, v):
        self.v = v

    def __truediv__(self, o):
        return Plain(self.v / o)

    def __floordiv__(self, o):
        return Plain(self.v // o)

    def __mod__(self, o):
        return Plain(self.v % o)

    def __pow__(self, o):
        return Plain(self.v ** o)

    def __lshift__(self, o):
        return Plain(self.v << o)

    def __rshift__(self, o):
        return Plain(self.v >> o)

    def __rtruediv__(self, o):
        return Plain(o / self.v)


p = Plain(64)
q = p
p /= 2
print(p.v, q.v, p is q)
p = Plain(64)
p //= 5
p %= 7
p **= 2
p <<= 3
p >>= 2
print(p.v)
x = 10
x /= Plain(4)
print(type(x).__name__, x.v)


class NotImpl:
    def __itruediv__(self, o):
        return NotImplemented

    def __truediv__(self, o):
        return "fallback"


n = NotImpl()
n /= 3
print(n)

# numbers, strings, in containers and attributes
i, f = 17, 2.5
i //= 3
f /= 2
print(i, f)
i %= 4
f **= 2
print(i, f)
i <<= 5
i >>= 2
print(i)
big = 3
big **= 100
big >>= 10
print(big)
s = "%s-%s"
s %= ("a", "b")
print(s)
lst = [1.0, 2, 3]
lst[0] /= 4
lst[1] **= 10
lst[2] <<= 3
print(lst)
d = {"k": 9}
d["k"] //= 2
d["k"] %= 3
print(d)


class Box:
    pass


b = Box()
b.v = 7
b.v /= 2
b.v //= 1
print(b.v)
for op in ("/=", "//=", "%=", "**=", "<<=", ">>="):
    y = 5
    try:
        if op == "/=":
            y /= "x"
        elif op == "//=":
            y //= "x"
        elif op == "%=":
            y %= "x"
        elif op == "**=":
            y **= "x"
        elif op == "<<=":
            y <<= "x"
        else:
            y >>= "x"
    except TypeError as e:
        print(e)
z = 1
try:
    z /= 0
except ZeroDivisionError as e:
    print(e)
try:
    z //= 0
except ZeroDivisionError as e:
    print(e)
try:
    z %= 0
except ZeroDivisionError as e:
    print(e)
try:
    z = 1.5
    z //= 0.0
except ZeroDivisionError as e:
    print(e)
try:
    z = 1
    z <<= -1
except ValueError as e:
    print(e)
try:
    lst2 = [1]
    lst2 /= 2
except TypeError as e:
    print(e)
try:
    pl = Plain(1)
    pl >>= "x"
except TypeError as e:
    print(e)
