# Multiple inheritance: C3 method resolution order, super() along it, __mro__
class Base:
    def hello(self):
        return "Base"

    def who(self):
        return ["Base"]


class Left(Base):
    def hello(self):
        return "Left>" + super().hello()

    def who(self):
        return ["Left"] + super().who()


class Right(Base):
    def hello(self):
        return "Right>" + super().hello()

    def who(self):
        return ["Right"] + super().who()

    def only_right(self):
        return "only in Right"


class Diamond(Left, Right):
    def who(self):
        return ["Diamond"] + super().who()


d = Diamond()
print(d.hello())                 # Left > Right > Base: super() follows the MRO, not the base
print(d.who())
print(d.only_right())
print([c.__name__ for c in Diamond.__mro__])
print([c.__name__ for c in Left.__mro__])
print(isinstance(d, Right), isinstance(d, Left), isinstance(d, Base), issubclass(Diamond, Right))
print(issubclass(Left, Right), isinstance(Left(), Right))
print(Diamond.__base__.__name__)


# cooperative __init__ with keyword arguments
class Named:
    def __init__(self, name, **kw):
        print("Named.__init__", name)
        self.name = name
        super().__init__(**kw)


class Sized:
    def __init__(self, size, **kw):
        print("Sized.__init__", size)
        self.size = size
        super().__init__(**kw)


class Item(Named, Sized):
    def __init__(self, **kw):
        print("Item.__init__")
        super().__init__(**kw)


it = Item(name="box", size=3)
print(it.name, it.size, [c.__name__ for c in Item.__mro__])


# mixins with class attributes, staticmethods, classmethods and properties
class ReprMixin:
    tag = "repr"

    def __repr__(self):
        return type(self).__name__ + "(" + ", ".join(k + "=" + repr(v) for k, v in sorted(self.__dict__.items())) + ")"


class EqMixin:
    tag = "eq"

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    @classmethod
    def make(cls, **kw):
        obj = cls()
        obj.__dict__.update(kw)
        return obj

    @staticmethod
    def helper():
        return "static helper"

    @property
    def nattrs(self):
        return len(self.__dict__)


class Point(ReprMixin, EqMixin):
    pass


p = Point.make(x=1, y=2)
q = Point.make(x=1, y=2)
print(p, p == q, p != Point.make(x=0), Point.tag, p.helper(), p.nattrs)


# a longer hierarchy (CPython's documentation example)
class O: pass
class F(O): pass
class E(O): pass
class D(O): pass
class C(D, F): pass
class B(D, E): pass
class A(B, C): pass


print([k.__name__ for k in A.__mro__])


# single-inheritance subclass of a multiple-inheritance class
class Sub(Diamond):
    def hello(self):
        return "Sub>" + super().hello()


print(Sub().hello(), [c.__name__ for c in Sub.__mro__])


# exceptions with a mixin
class Coded:
    code = 0

    def describe(self):
        return "%s(code=%d)" % (type(self).__name__, self.code)


class AppError(Coded, ValueError):
    code = 42


try:
    raise AppError("bad")
except ValueError as e:
    print("caught as ValueError:", e, e.describe(), isinstance(e, Coded))

try:
    class Bad(Left, Diamond):
        pass
except TypeError as e:
    print("TypeError:", e)
try:
    class Dup(Left, Left):
        pass
except TypeError as e:
    print("TypeError:", e)


# super(Class, obj) explicitly, from outside the method
print(super(Left, d).hello(), super(Right, d).hello())
