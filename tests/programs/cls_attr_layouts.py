# Instance attributes kept in slots laid out per class (docs/vm.md): the
# attribute order of every instance, holes (attributes some instances lack),
# deletion, many attributes, subclasses, properties and class attributes,
# run-time names, the same instruction over instances of different shapes.
class P:
    kind = "class attribute"

    def __init__(self, flip, extra=False):
        if flip:
            self.y = 2
            self.x = 1
        else:
            self.x = 1
            self.y = 2
        if extra:
            self.z = 3


a, b, c, d = P(False), P(True), P(False, True), P(True, True)
for o in (a, b, c, d):
    print(o.x, o.y, getattr(o, "z", None), list(o.__dict__.items()))


class Opt:
    def __init__(self, n):
        if n % 2:
            self.odd = n
        if n % 3:
            self.not3 = n
        self.n = n

    def show(self):
        return [(k, v) for k, v in vars_of(self)]


def vars_of(o):
    return list(o.__dict__.items())


def read_all(objs, name):
    out = []
    for o in objs:                      # one GETATTR over many shapes
        try:
            out.append(getattr(o, name) if name.startswith("_") else o.odd)
        except AttributeError as e:
            out.append(str(e))
    return out


objs = [Opt(n) for n in range(7)]
print([o.n for o in objs])
print(read_all(objs, "odd"))
for o in objs:
    print(o.show())
# a hole filled later goes last (CPython's order): the instance keeps it
e = Opt(2)                              # has not3 and n, lacks odd
e.odd = "late"
print(e.show(), e.odd, e.n)
f = Opt(1)
f.extra = "x"
f.odd = "changed"                       # an existing attribute keeps its place
print(f.show())

# deletion: the last attribute, a middle one, re-adding them
g = Opt(1)
del g.n
print(g.show())
g.n = "back"
print(g.show())
del g.not3
print(g.show(), hasattr(g, "not3"))
try:
    print(g.not3)
except AttributeError as err:
    print("AttributeError:", err)
g.not3 = "re-added"
print(g.show())
for o in [Opt(1), g, Opt(5)]:
    o.n = o.n * 2 if isinstance(o.n, int) else o.n + "!"
    print(o.n, o.show())


# many attributes (past any slot limit), set by run-time names
class Many:
    pass


m = Many()
for i in range(100):
    setattr(m, "a" + str(i), i)
print(m.a0, m.a63, m.a64, m.a99, len(m.__dict__), list(m.__dict__)[60:68])
m2 = Many()
for i in range(10):
    setattr(m2, "a" + str(i), -i)
print(m2.a9, list(m2.__dict__.items()))
m2.a3 = "three"
print(getattr(m2, "a" + "3"), m2.a3)


# subclasses: the same names at different positions, one instruction
class Base:
    def __init__(self):
        self.a = "base a"
        self.b = "base b"

    def get_b(self):
        return self.b


class Sub(Base):
    def __init__(self):
        self.b = "sub b"
        self.c = "sub c"
        Base.__init__(self)


class Sub2(Base):
    pass


for o in [Base(), Sub(), Sub2(), Base(), Sub()]:
    print(type(o).__name__, o.get_b(), o.a, list(o.__dict__))


# class attributes shadowed by instance attributes, methods too
class K:
    limit = 10

    def f(self):
        return "method f"


k1, k2 = K(), K()
k1.limit = 99
print(k1.limit, k2.limit, K.limit)
del k1.limit
print(k1.limit)
k2.f = lambda: "instance f"
print(k1.f(), k2.f())
K.limit = 11
print(k1.limit, k2.limit)


# a property added to the class after instances have the attribute: the
# property (a data descriptor) wins over the instance's value
class Pr:
    def __init__(self):
        self.v = "instance v"
        self.w = 0


p1 = Pr()
print(p1.v)
Pr.v = property(lambda self: "property v")
print(p1.v, p1.__dict__)
try:
    p1.v = "x"
except AttributeError:
    print("AttributeError: no setter")
del Pr.v
print(p1.v)


class Pw:
    def __init__(self):
        self._w = 1

    @property
    def w(self):
        return self._w * 10

    @w.setter
    def w(self, val):
        self._w = val


q = Pw()
for i in range(3):
    q.w = q.w + i
    print(q.w, q._w, q.__dict__)


# __dict__ writes and attribute writes see each other
r = P(False)
dd = r.__dict__
r.x = 100
dd["y"] = 200
r.new = "n"
print(r.x, r.y, r.new, dd)
s = P(False)
s.__dict__.update({"x": -1, "w": "w"})
print(s.x, s.w, list(s.__dict__))


# exceptions with attributes (user and built-in classes)
class MyErr(Exception):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code


try:
    raise MyErr("bad", 7)
except MyErr as ex:
    ex.more = "more"
    print(ex, ex.code, ex.more, ex.args, ex.__dict__)
ve = ValueError("v")
ve.note = "attached"
print(ve.note, ve.__dict__)

# many instances (collections run in between), attributes kept right
nodes = []
for i in range(1500):
    o = Opt(i)
    if i % 7 == 0:
        del o.n
    nodes.append(o)
total = 0
for o in nodes:
    total += getattr(o, "n", 0) + getattr(o, "odd", 0)
print(total, nodes[14].show(), nodes[1499].show())
