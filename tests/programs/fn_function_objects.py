def f(a, b=2):
    return a + b


def g():
    def h(x=0):
        return x
    return h


h = g()
lam = lambda: 0
print(f.__name__, f.__qualname__, h.__name__, h.__qualname__, lam.__name__)
funcs = {f: "f", h: "h", lam: "lam"}
print(funcs[f], funcs[h], funcs[lam], len(funcs))
print(f == f, f == h, h is h, g() == g())
print(len({f, f, h, lam}))


class A:
    def m(self, k=10):
        return k * 2

    def n(self, *args, scale=1):
        return sum(args) * scale


a = A()
print(a.m(), a.m(3), A.m(a, 4), a.n(1, 2, 3, scale=2), A.m.__qualname__)


def gen():
    yield 1


print(gen().__name__ if False else gen.__name__)
