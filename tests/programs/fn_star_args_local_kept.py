# f(*args) leaves the local it spreads unchanged (it is iterated, not replaced)
def g(*a):
    return len(a)


def f(*args):
    n = g(*args)
    print(n, args)
    m = g(*args, *args)
    print(m, args, args[0])
    return args


print(f(1, 2, 3))


def wrapper(func):
    def inner(*args, **kwargs):
        result = func(*args, **kwargs)
        print("called with", args, kwargs)
        return result
    return inner


@wrapper
def add(a, b, c=0):
    return a + b + c


print(add(1, 2, c=3))

items = [4, 5]
print(max(*items), items)


def local_list():
    xs = [7, 8, 9]
    print(g(*xs), xs, len(xs))
    gen = (i for i in range(3))
    print(g(*gen), list(gen))


local_list()
