# super() in classes nested in functions and in classes (a __class__ cell, as
# CPython), classes nested in classes, __bases__.


class Base:
    def __init__(self, name):
        self.name = name

    def hello(self):
        return "base:" + self.name


def family():
    class Child(Base):
        def __init__(self, name, age):
            super().__init__(name)
            self.age = age

        def hello(self):
            return "child+" + super().hello()

    class Grand(Child):
        def hello(self):
            return "grand+" + super().hello()

        def cls_name(self):
            return __class__.__name__

    return Child, Grand


Child, Grand = family()
g = Grand("ann", 3)
print(g.hello(), g.age, g.cls_name(), type(g).__qualname__)
Alias = Grand
Grand = None
print(Alias("bo", 1).hello())


class Outer:
    label = "outer"

    class Inner(Base):
        kind = "inner"

        def hello(self):
            return "inner+" + super().hello()

        class Deepest:
            pass

    inner_kind = Inner.kind + "!"

    def make(self):
        return self.Inner(self.label)


print(Outer().make().hello(), Outer.inner_kind, Outer.Inner.Deepest.__qualname__)
print(Outer.Inner.Deepest, repr(Outer.Inner.Deepest()).startswith("<__main__.Outer.Inner.Deepest object"))


class A:
    pass


class B(A):
    pass


class C(A):
    pass


class D(B, C):
    pass


print(A.__bases__, B.__bases__, D.__bases__, D.__mro__)
print(object.__bases__, KeyError.__bases__, Exception.__bases__, BaseException.__bases__)
print(Outer.Inner.__bases__, Outer.__bases__, [k.__name__ for k in D.__bases__])


def local_errors():
    class Oops(ValueError):
        def __init__(self, code):
            super().__init__(f"code {code}")
            self.code = code

    try:
        raise Oops(7)
    except ValueError as e:
        print(type(e).__name__, e, e.code, repr(e), isinstance(e, Oops))
    return Oops


Oops = local_errors()
print(Oops.__bases__, Oops.__mro__)
