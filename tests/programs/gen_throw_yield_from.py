# throw() into a generator delegating with yield from reaches the innermost generator
def inner():
    try:
        yield "i1"
        yield "i2"
    except ValueError as e:
        print("inner caught", e)
        yield "i-recovered"
    return "inner-result"


def middle():
    r = yield from inner()
    print("middle got", r)
    yield "m-after"


def outer():
    try:
        yield from middle()
    except KeyError as e:
        print("outer caught", repr(e))
        yield "o-recovered"


o = outer()
print(next(o))
print(o.throw(ValueError("v")))      # caught by inner, which yields again
print(next(o))                        # inner returns: middle goes on
print(o.throw(KeyError("k")))         # not caught by middle: outer catches it at its yield from
print(next(o, "end"))


# the inner generator returns while handling the thrown exception
def quick():
    try:
        yield 1
    except ValueError:
        return "quick-result"


def wrap():
    r = yield from quick()
    print("wrap got", r)
    yield "after"


w = wrap()
next(w)
print(w.throw(ValueError))


# yield from a plain iterator: the exception is raised in the delegating generator
def over_list():
    try:
        yield from [1, 2, 3]
    except ValueError:
        yield "caught in over_list"


ol = over_list()
print(next(ol))
print(ol.throw(ValueError))


# uncaught all the way: the whole chain is finished
def leaf():
    yield 1


def chain():
    yield from leaf()


ch = chain()
next(ch)
try:
    ch.throw(OSError("os"))
except OSError as e:
    print("OSError out:", e)
print(list(ch))
ch2 = chain()
next(ch2)
ch2.throw(NotImplementedError("uncaught at the end"))
