# generator.close() raises GeneratorExit at the yield: finally blocks and handlers run
def reader(name):
    print("open", name)
    try:
        for i in range(10):
            yield name + str(i)
    finally:
        print("close", name)


r = reader("f")
print(next(r), next(r))
r.close()
print(next(r, "closed"))
r.close()                               # closing again: nothing happens


# close() on a generator never started: its body never runs
u = reader("unstarted")
u.close()
print(list(u))


# the generator sees GeneratorExit and may clean up, then return
def catches():
    try:
        yield 1
    except GeneratorExit:
        print("GeneratorExit seen", repr(GeneratorExit()))
        return "ignored value"


c = catches()
next(c)
print(c.close())


# yielding in response to GeneratorExit is a RuntimeError
def stubborn():
    try:
        yield 1
    except GeneratorExit:
        print("refusing")
    yield 2


s = stubborn()
next(s)
try:
    s.close()
except RuntimeError as e:
    print("RuntimeError:", e)


# another exception raised while closing propagates
def raises():
    try:
        yield 1
    finally:
        raise ValueError("from finally")


g = raises()
next(g)
try:
    g.close()
except ValueError as e:
    print("ValueError:", e, type(e.__context__).__name__)


# nested try/finally run innermost first; with blocks exit too
class Ctx:
    def __enter__(self):
        print("enter")
        return self

    def __exit__(self, t, v, tb):
        print("exit", t.__name__ if t else None)
        return False


def nested():
    try:
        with Ctx():
            try:
                yield "inner"
            finally:
                print("inner finally")
    finally:
        print("outer finally")


n = nested()
print(next(n))
n.close()


# yield from: close() closes the delegate first, then the delegating generator
def delegating():
    try:
        result = yield from reader("sub")
        print("never", result)
    finally:
        print("delegating finally")


d = delegating()
print(next(d))
d.close()


# break out of a for loop over a generator, then close it explicitly
gen = reader("loop")
for item in gen:
    if item.endswith("2"):
        break
gen.close()
print("done")
