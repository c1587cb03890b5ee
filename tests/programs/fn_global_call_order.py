# Calls of global names: the callee is loaded BEFORE the arguments are
# evaluated (CPython), so an argument that rebinds the name, or runs while the
# name is still unbound, must not change which function is called or which
# error is raised.  (Drift fuses the load into the call only for globals that
# are provably bound and constant there: docs/vm.md, CALLG.)


class Rebind:
    def __sub__(self, other):
        global target
        print("  __sub__ rebinds target")
        target = replacement
        return 10

    def __add__(self, other):
        global target
        print("  __add__ deletes target")
        del target
        return 20


def target(x):
    return "original target(%r)" % x


def replacement(x):
    return "replacement(%r)" % x


r = Rebind()
print(target(r - 1))           # the original: loaded before __sub__ ran
print(target(5))               # now the replacement
try:
    print(target(r + 1))       # loaded before __add__ deleted it
    print(target(6))           # NameError now
except NameError as e:
    print("NameError:", e)


class Loud:
    def __sub__(self, other):
        print("  Loud.__sub__ ran")
        raise ValueError("from __sub__")


loud = Loud()


def early():
    return later(loud - 1)     # later is not bound yet when this runs


try:
    early()
except NameError as e:
    print("NameError:", e)
except ValueError as e:
    print("ValueError:", e)

try:
    later(loud - 1)            # a module-level call before the def
except NameError as e:
    print("NameError:", e)


def later(x):
    return "later(%r)" % x


print(later(3))
try:
    print(later(loud - 1))     # bound now: the argument's error
except ValueError as e:
    print("ValueError:", e)
print(early.__name__, later(early.__name__))


# A decorator that calls the function before its name is bound: inside, the
# name is unbound (NameError before the argument is evaluated).
def call_early(fn):
    try:
        print(fn(2))
    except NameError as e:
        print("NameError in the decorator:", e)
    return fn


def noisy(n):
    print("  noisy(%d) evaluated" % n)
    return n


@call_early
def countdown(n):
    if n == 0:
        return "done"
    return countdown(noisy(n - 1))


print(countdown(2))


# A global bound in a loop, by several statements, by a global statement in a
# function: loaded before the arguments each time.
def make(tag):
    def f(x):
        return tag + str(x)
    return f


class Swap:
    def __init__(self, to):
        self.to = to

    def __sub__(self, other):
        global g
        g = self.to
        return 0


for k in range(3):
    g = make("g%d:" % k)
    print(g(Swap(make("swapped%d:" % k)) - 1), g(1))


# A builtin's name rebound by an argument: the builtin is called.
class Shadow:
    def __sub__(self, other):
        global len
        len = lambda x: -1
        return [1, 2, 3]


print(len(Shadow() - 1), len([1]))
del len
print(len([1, 2]))
