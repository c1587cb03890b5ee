# Positional-only parameters (before '/'), as CPython: never bound by keyword;
# with **kwargs a keyword of the same name goes into the dict.


def f(a, b, /, c, *, d=4):
    return a, b, c, d


print(f(1, 2, 3), f(1, 2, c=3), f(1, 2, 3, d=5))


def g(a, /, **kw):
    return a, kw


print(g(1, a=2), g(0), g(1, b=2, a=3))


def h(x, y=10, /, z=20):
    return x + y + z


print(h(1), h(1, 2), h(1, 2, 3), h(1, z=5), h(1, 2, z=0))
lam = lambda p, /, q: p - q
print(lam(5, 3), lam(5, q=1))


def varargs(first, /, *rest, **opts):
    return first, rest, opts


print(varargs(1, 2, 3, first=4), varargs(*[7, 8]), varargs(**{"x": 1}, first=0) if False else varargs(0, **{"x": 1}))


class P:
    def __init__(self, value, /):
        self.value = value

    def add(self, other, /, scale=1):
        return self.value + other * scale


print(P(3).add(4), P(3).add(4, scale=2), P(3).add(4, 3))
print(f.__name__, g.__qualname__)
for call in (lambda: f(a=1, b=2, c=3), lambda: f(1, b=2, c=3), lambda: f(1, z=3, b=2),
             lambda: f(1, 2), lambda: f(), lambda: h(x=1), lambda: lam(p=1, q=2),
             lambda: P(value=1), lambda: f(1, 2, 3, 4), lambda: f(1, 2, c=3, e=5)):
    try:
        call()
    except TypeError as e:
        print("TypeError:", e)
