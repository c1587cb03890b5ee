def trace(fn):
    def wrapper(*args, **kwargs):
        print(">", fn.__name__, args)
        return fn(*args, **kwargs)
    return wrapper


def repeat(n):
    def deco(fn):
        def run(*args):
            return [fn(*args) for _ in range(n)]
        return run
    return deco


@trace
def add(a, b=1):
    return a + b


@repeat(3)
def hello(name):
    return "hi " + name


@trace
@repeat(2)
def twice(x):
    return x * 2


print(add(2), add(2, b=5))
print(hello("bo"))
print(twice(21))
print(add.__name__, add.__qualname__, hello.__qualname__)


def outer():
    @trace
    def inner(v):
        return -v
    return inner(4)


print(outer())
registry = {}


def register(fn):
    registry[fn.__name__] = fn
    return fn


@register
def one():
    return 1


@register
def two():
    return 2


print(sorted(registry), registry["two"]())
