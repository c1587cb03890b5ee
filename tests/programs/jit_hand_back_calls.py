# Calls between compiled functions, into interpreted ones (generators,
# keyword arguments, closures) and back; exceptions out of compiled frames.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def kw(a, b=2, *, c=3):
    return a + b + c

def gen(n):
    for i in range(n):
        yield i * i

def outer():
    k = 10
    def inner(x):
        return x + k
    s = 0
    for i in range(5):
        s += inner(i) + kw(i) + kw(i, c=1)
    return s

def fail(n):
    if n == 0:
        return 1 // n
    return fail(n - 1) + 1

print(fib(20), outer(), sum(gen(10)))
try:
    fail(5)
except ZeroDivisionError as e:
    print("caught", e)

def deep(n):
    return deep(n + 1) + 1
try:
    deep(0)
except RecursionError as e:
    print("RecursionError", e)

class Counter:
    def __init__(self):
        self.n = 0
    def bump(self):
        self.n += 1
        return self

c = Counter()
for i in range(1000):
    c.bump().bump()
print(c.n)

def none_test(xs):
    k = 0
    for x in xs:
        if x is None:
            k += 1
        if x is not None:
            k += 10
    return k

print(none_test([None, 1, None, "a"]))
fail(3)
