# del obj.attr on instances and classes (the inline caches must forget the
# deleted attribute), properties with a deleter, CPython's errors.
class C:
    kind = "class"

    def method(self):
        return "method"


c = C()
c.x = 1
c.y = 2
print(c.x, c.y, c.kind)
del c.x
try:
    print(c.x)
except AttributeError as e:
    print("AttributeError:", e)
print(c.__dict__)
c.x = 3                      # bound again after the del
print(c.x, c.__dict__)
c.kind = "instance"          # shadows the class attribute
print(c.kind)
del c.kind
print(c.kind)                # the class's again
try:
    del c.kind               # only on the class: CPython's message
except AttributeError as e:
    print("AttributeError:", e)
try:
    del c.method
except AttributeError as e:
    print("AttributeError:", e)
try:
    del c.missing
except AttributeError as e:
    print("AttributeError:", e)


def reads(objs):
    """The same GETATTR instruction over instances that have or lack the attribute."""
    out = []
    for o in objs:
        try:
            out.append(o.v)
        except AttributeError as e:
            out.append(str(e))
    return out


a, b = C(), C()
a.v, b.v = "a", "b"
print(reads([a, b]))
del a.v
print(reads([a, b, a]))
a.v = "again"
print(reads([a, b]))

# a method shadowed by an instance attribute, then uncovered by del
c.method = lambda: "instance function"
print(c.method())
del c.method
print(c.method())

# class attributes and methods
print(C.kind, C().method())
C.extra = 5
print(C.extra, c.extra)
del C.extra
try:
    print(c.extra)
except AttributeError as e:
    print("AttributeError:", e)
del C.method
try:
    C().method()
except AttributeError as e:
    print("AttributeError:", e)
try:
    del C.method
except AttributeError as e:
    print("AttributeError:", e)


class Base:
    shared = "base"

    def hello(self):
        return "Base.hello"


class Derived(Base):
    shared = "derived"

    def hello(self):
        return "Derived.hello"


d = Derived()
print(d.shared, d.hello())
del Derived.shared
del Derived.hello
print(d.shared, d.hello())   # now inherited
try:
    del Derived.shared       # it is Base's: CPython's message names Derived
except AttributeError as e:
    print("AttributeError:", e)

# del through a tuple target, in a function, on self
class Point:
    def __init__(self):
        self.x, self.y, self.z = 1, 2, 3

    def drop(self):
        del self.x, (self.y,)
        return sorted(self.__dict__)


p = Point()
print(p.drop())
del p.__dict__               # an empty one afterwards, as CPython
print(p.__dict__)
p.w = 4
print(p.__dict__)


# properties: a deleter is called; without one, CPython's AttributeError
class Temp:
    def __init__(self):
        self._c = 20
        self.log = []

    @property
    def celsius(self):
        return self._c

    @celsius.setter
    def celsius(self, v):
        self.log.append(("set", v))
        self._c = v

    @celsius.deleter
    def celsius(self):
        self.log.append("del")
        del self._c

    @property
    def fixed(self):
        return 1


t = Temp()
t.celsius = 25
print(t.celsius)
del t.celsius
print(t.log, hasattr(t, "_c"))
try:
    t.celsius
except AttributeError as e:
    print("AttributeError:", e)
t.celsius = 30
print(t.celsius, t.log)
try:
    del t.fixed
except AttributeError as e:
    print("AttributeError:", e)


class Deleter:                       # deleter before setter, and property(fget, fset, fdel)
    def _get(self):
        return "got"

    def _del(self):
        print("deleting")

    p = property(_get, None, _del)

    @property
    def q(self):
        return "q"

    @q.deleter
    def q(self):
        print("q deleted")

    @q.setter
    def q(self, v):
        print("q set", v)


dd = Deleter()
del dd.p
del dd.q
dd.q = 1
print(dd.p, dd.q)
try:
    dd.p = 1
except AttributeError as e:
    print("AttributeError:", e)


# exceptions, built-in classes, other objects
err = ValueError("boom")
err.note = "n"
del err.note
print(hasattr(err, "note"))
for name in ["args", "__cause__", "__context__"]:
    try:
        if name == "args":
            del err.args
        elif name == "__cause__":
            del err.__cause__
        else:
            del err.__context__
    except TypeError as e:
        print("TypeError:", e)
try:
    del ValueError.args
except TypeError as e:
    print("TypeError:", e)
try:
    del object.x
except TypeError as e:
    print("TypeError:", e)
try:
    del c.__class__
except TypeError as e:
    print("TypeError:", e)
for name in ["__name__", "__doc__", "__module__"]:
    try:
        if name == "__name__":
            del C.__name__
        elif name == "__doc__":
            del C.__doc__
        else:
            del C.__module__
    except TypeError as e:
        print("TypeError:", e)
try:
    del C.__mro__
except AttributeError as e:
    print("AttributeError:", e)
for obj in [1, "s", [1], None, len, reads]:
    try:
        del obj.attr
    except AttributeError as e:
        print("AttributeError:", e)
print(C.__doc__, C.__module__)
