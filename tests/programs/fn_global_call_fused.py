# Calls of globals bound once by a top-level def (and of builtins the program
# never rebinds): Drift loads them in the call instruction (CALLG).  Recursion,
# arities that miss the fast path, natives, errors raised in the callee and
# while evaluating the arguments, RecursionError, generators and closures.


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def with_default(a, b=10):
    return a + b


def varargs(*xs):
    return len(xs), sum(xs)


def kwonly(a, *, k=3):
    return a * k


def gen(n):
    for i in range(n):
        yield square(i)


def square(x):
    return x * x


def fails(x):
    return 10 // x


def deep(n):
    return deep(n + 1)


class Num:
    def __init__(self, v):
        self.v = v

    def __sub__(self, other):
        return Num(self.v - other)

    def __lt__(self, other):
        return self.v < other

    def __add__(self, other):
        return Num(self.v + (other.v if isinstance(other, Num) else other))

    def __repr__(self):
        return "Num(%d)" % self.v


def main():
    print(fib(15), fib(Num(7)))
    print(with_default(1), with_default(1, 2), varargs(), varargs(1, 2, 3), kwonly(4))
    print(list(gen(5)), [square(i) for i in range(4)], sorted(map(square, [3, -1, 2])))
    print(len("abc"), len([1, 2]), len((1,)), len({1: 2}), len({1, 2}), str(12), str("s"), str(1.5), str(None))
    try:
        fails(0)
    except ZeroDivisionError as e:
        print("ZeroDivisionError:", e)
    try:
        fails(fails(0))
    except ZeroDivisionError as e:
        print("ZeroDivisionError in an argument:", e)
    try:
        square()
    except TypeError as e:
        print("TypeError:", e)
    try:
        len(5)
    except TypeError as e:
        print("TypeError:", e)
    try:
        deep(0)
    except RecursionError:
        print("RecursionError caught")
    total = 0
    for i in range(3000):                 # many calls: collections at the call's safe point
        total += len(str(i) + "x") + square(i % 7) + with_default(i)
        total += len(list(range(i % 5)))
    print(total)
    add = lambda a, b: square(a) + square(b)
    print(add(2, 3), (lambda: fib(10))())


main()
print(fib(20))
print(with_default(
    square(2),
    fails(1)))
fails(
    0)
