# A built-in function stored as a class attribute is not bound to the instance
# (CPython's built-in functions are not descriptors); functions and built-in
# methods (object.__init__) are.  Special methods called by operators and
# str()/len() follow the same rule, as do staticmethod/classmethod ones.
import math


class C:
    f = len
    g = abs
    h = print
    s = math.sqrt
    t = int
    u = str
    mx = max

    def m(self, x):
        return ("m", x)


class D(C):
    def via_super(self):
        return super().f([1, 2, 3, 4])


c = C()
print(C().f([1, 2]), c.g(-3), C.f("abc"), c.s(16.0), c.t("12"), repr(c.u()), c.u(5), c.mx(3, 9, 4))
print(c.m(1), C.m(c, 2))
try:
    c.f()
except TypeError as e:
    print("TypeError:", e)
c.h("printed", 1, sep="-")
bound = c.f
print(bound((1, 2, 3)), bound is len, c.f is C.f)
print(getattr(c, "f")([1]), getattr(D(), "g")(-2), D().via_super(), hasattr(c, "s"))
c.f = lambda: "instance attribute"
print(c.f())
del c.f
print(c.f("xy"))


class S:
    __str__ = str
    __repr__ = repr
    __len__ = len
    __bool__ = bool


print(repr(str(S())), bool(S()))
try:
    len(S())
except TypeError as e:
    print("TypeError:", e)
try:
    print(repr(S()))
except TypeError as e:
    print("TypeError:", e)


class St:
    @staticmethod
    def __add__(o):
        return ("static add", o)

    @classmethod
    def __sub__(cls, o):
        return (cls.__name__, o)

    __neg__ = staticmethod(lambda: "neg")
    __eq__ = staticmethod(lambda o: o == 5)
    __hash__ = staticmethod(lambda: 7)


print(St() + 1, St() - 2, -St(), St() == 5, St() == 4, hash(St()))


class O:
    def __init__(self, x):
        super().__init__()
        self.x = x


o = O(3)
o.__init__(5)
print(o.x)


class E(Exception):
    pass


e = E("a", "b")
print(e.args, str(e))
