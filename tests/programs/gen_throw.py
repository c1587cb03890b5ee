# generator.throw(): the exception is raised at the yield where the generator is suspended
def worker():
    total = 0
    while True:
        try:
            x = yield total
            total += x
        except ValueError as e:
            print("worker caught", repr(e))
            total = -1
        except KeyError:
            print("worker caught KeyError, finishing")
            return "done:" + str(total)


w = worker()
print(next(w))
print(w.send(5))
print(w.throw(ValueError("bad")))          # caught: the next yield's value is returned
print(w.send(3))
print(w.throw(ValueError))                  # a class: instantiated
try:
    w.throw(KeyError("k"))                  # caught, then returns: StopIteration(value)
except StopIteration as e:
    print("StopIteration", e.value)
try:
    w.throw(ValueError("after the end"))    # a finished generator: raised at once
except ValueError as e:
    print("finished generator:", e)


# not caught inside: propagates out of throw() and finishes the generator
def simple():
    yield 1
    yield 2


s = simple()
print(next(s))
try:
    s.throw(RuntimeError("boom"))
except RuntimeError as e:
    print("propagated:", e)
print(list(s))


# a generator that was never started: raised at once, the body never runs
def never():
    print("never printed")
    try:
        yield 1
    except Exception:
        print("not caught here")
        yield 2


n = never()
try:
    n.throw(IndexError("early"))
except IndexError as e:
    print("unstarted:", e)
print(next(n, "exhausted"))


# finally blocks run when the exception passes through
def with_finally():
    try:
        yield "a"
        yield "b"
    finally:
        print("cleanup runs")


f = with_finally()
print(next(f))
try:
    f.throw(ZeroDivisionError)
except ZeroDivisionError:
    print("ZeroDivisionError out")


# user exception classes and throw(type, value)
class Custom(Exception):
    def __init__(self, *args):
        super().__init__(*args)
        print("Custom init", args)


def catcher():
    while True:
        try:
            yield
        except Custom as e:
            print("got Custom", e.args)


c = catcher()
next(c)
c.throw(Custom)
c.throw(Custom("x", 1))
c.throw(Custom, "v")
c.throw(Custom, ("a", "b"))

# bad arguments
for bad in (1, "str", object):
    try:
        c.throw(bad)
    except TypeError as e:
        print("TypeError:", e)
try:
    c.throw(ValueError("v"), "extra")
except TypeError as e:
    print("TypeError:", e)

# the thrown exception is handled and the generator yields from a for loop later
def counter():
    i = 0
    while i < 5:
        try:
            yield i
        except ValueError:
            i = 10
            yield "reset"
        i += 1


ct = counter()
print(next(ct), next(ct))
print(ct.throw(ValueError))
print(list(ct))
