# Classes defined inside functions: a new class per call, closures over the
# function's variables in the body and in methods, qualified names.


def make_counter(step):
    class Counter:
        default_step = step

        def __init__(self, start=0):
            self.v = start

        def bump(self):
            self.v += step
            return self.v

        def __repr__(self):
            return f"Counter({self.v}, step={self.default_step})"

    return Counter


Two = make_counter(2)
Five = make_counter(5)
a, b = Two(), Five(10)
a.bump()
a.bump()
b.bump()
print(a, b, Two is Five, Two.__name__, Two.__qualname__)
print(Two, type(a).__qualname__, isinstance(a, Two), isinstance(a, Five))


def late_binding():
    x = 1

    class C:
        def get(self):
            return x

    c = C()
    x = 2
    return c.get()


print(late_binding())


def three_levels():
    base = 10

    def mid(k):
        class K:
            z = base + k

            def f(self):
                return base * k

        return K

    return mid(3)


K = three_levels()
print(K.z, K().f(), K.__qualname__, K.f.__qualname__)


def in_loop():
    classes = []
    for i in range(3):
        class P:
            n = i

            def get(self):
                return self.n * 100

        classes.append(P)
    return [(c.n, c().get()) for c in classes], classes[0] is classes[1]


print(in_loop())


def self_reference():
    class Node:
        def __init__(self, val, nxt=None):
            self.val, self.nxt = val, nxt

        def push(self, v):
            return Node(v, self)

        def items(self):
            n = self
            while n is not None:
                yield n.val
                n = n.nxt

    return Node(1).push(2).push(3)


print(list(self_reference().items()))


def decorated_methods():
    scale = 3

    class Shape:
        count = 0

        def __init__(self, w):
            self._w = w
            Shape.count += 1

        @property
        def area(self):
            return self._w * self._w * scale

        @area.setter
        def area(self, v):
            self._w = v

        @staticmethod
        def unit():
            return scale

        @classmethod
        def make(cls, w):
            return cls(w)

    s = Shape.make(2)
    s.area = 4
    return s.area, Shape.unit(), Shape.count


print(decorated_methods())


def shadowing():
    x = "local"

    class C:
        x = "attr"
        y = x

        def m(self):
            return x

    return x, C.x, C.y, C().m()


print(shadowing())


def recursive(n):
    class Level:
        depth = n

    if n == 0:
        return [Level.depth]
    return [Level.depth] + recursive(n - 1)


print(recursive(4))


def gen_classes():
    for tag in "ab":
        class T:
            name = tag * 2
        yield T


print([t.name for t in gen_classes()])


class Top:
    def method(self, k):
        me = self

        class Local:
            def who(self):
                return me.name + str(k)

        return Local().who()

    name = "top"


print(Top().method(7))
