# In-place set operators change the set itself: other references see the change
a = {1, 2, 3}
alias = a
a |= {4, 5}
print(a is alias, sorted(alias))
a &= {2, 3, 4, 9}
print(a is alias, sorted(alias))
a -= {3}
print(a is alias, sorted(alias))
a ^= {4, 7}
print(a is alias, sorted(alias))
a |= frozenset({10})
print(a is alias, sorted(alias))

# iteration order as CPython (ints hash to themselves)
s = set(range(0, 40, 3))
t = s
s -= set(range(0, 40, 6))
print(list(t))
s |= {100, 7, 1}
print(list(t))
s ^= {1, 2, 3}
print(list(t))
s &= set(range(20))
print(list(t))
big = set(range(1000))
s = {5, 6, 500}
s -= big                                # other much larger than s
print(s, len(big))
u = set(range(100))
u -= set(range(0, 100, 2))              # many dummies: the table is resized
print(list(u)[:10], len(u))

# self operands
x = {1, 2}
x -= x
print(x)
y = {1, 2}
y ^= y
print(y)
z = {1, 2}
z |= z
z &= z
print(z)

# a set held in a container or attribute
class Box:
    def __init__(self):
        self.items = set()


b = Box()
ref = b.items
b.items |= {"x"}
d = {"k": set()}
dref = d["k"]
d["k"] |= {1, 2}
d["k"] -= {1}
print(ref, dref, b.items is ref, d["k"] is dref)

# frozensets stay immutable: a new object
f = frozenset({1, 2})
g = f
f |= {3}
print(sorted(f), sorted(g), f is g)

# ints keep their meaning
n = 12
n |= 3
n &= 14
n ^= 5
n -= 2
print(n)

# type errors name the in-place operator
for bad in ("a |= [1]", "a -= 'x'", "a &= 3", "n |= 'x'"):
    try:
        exec_ = bad
        if bad == "a |= [1]":
            a |= [1]
        elif bad == "a -= 'x'":
            a -= 'x'
        elif bad == "a &= 3":
            a &= 3
        else:
            n |= 'x'
    except TypeError as e:
        print(bad, "->", e)


# in a function, on a global set and a parameter
seen = set()


def visit(xs, acc):
    global seen
    seen |= set(xs)
    acc -= {0}
    return acc


acc = {0, 1}
r = visit([1, 2], acc)
print(sorted(seen), r is acc, acc)
