# del of list slices (simple and extended, negative steps, out-of-range and
# huge bounds), __delitem__ on instances getting the slice, CPython's errors.
def show(expr_fn, n=10):
    lst = list(range(n))
    expr_fn(lst)
    return lst


def d1(l): del l[2:5]
def d2(l): del l[:3]
def d3(l): del l[7:]
def d4(l): del l[:]
def d5(l): del l[::2]
def d6(l): del l[1::3]
def d7(l): del l[::-1]
def d8(l): del l[::-2]
def d9(l): del l[8:2:-3]
def d10(l): del l[-3:-1]
def d11(l): del l[5:2]
def d12(l): del l[100:200]
def d13(l): del l[-100:2]
def d14(l): del l[2**100:]
def d15(l): del l[:-2**100]
def d16(l): del l[::2**70]
def d17(l): del l[::-2**70]
def d18(l): del l[True:3]
def d19(l): del l[3:3]
def d20(l): del l[-1:-11:-4]


for f in [d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12, d13, d14, d15, d16, d17, d18, d19, d20]:
    print(f.__name__, show(f))
print(show(d5, 0), show(d8, 1), show(d6, 2))

# the list is changed in place: other references see it
a = ["a", "b", "c", "d", "e"]
alias = a
del a[1:4]
print(alias, len(alias))
alias.append("f")
print(a)

# in loops, with computed bounds, and mixed with del of an item
data = list(range(20))
while len(data) > 3:
    del data[len(data) // 2:len(data) // 2 + 2]
    print(data)
grid = [[r * 4 + c for c in range(4)] for r in range(3)]
for row in grid:
    del row[1:3]
del grid[0][0], grid[-1][::2]
print(grid)

# slices of other types for comparison (reading them is unchanged)
print(list(range(10))[::3], (1, 2, 3, 4)[1:], "abcdef"[::-2])
print(list(range(10))[2**100:], list(range(5))[-2**80:2], list(range(5))[::-2**65])


class Seq:
    def __init__(self):
        self.items = list(range(6))

    def __delitem__(self, key):
        print("__delitem__", key)
        del self.items[key]


s = Seq()
del s[1:3]
del s[::2]
del s[0]
print(s.items)

class MyError(Exception):
    pass


for bad in ["step", "index", "tuple", "str", "range", "bytes", "dict", "set", "int", "instance", "instance_str", "user", "user_str"]:
    t = (1, 2, 3)
    try:
        if bad == "step":
            del a[::0]
        elif bad == "index":
            del a["x":]
        elif bad == "tuple":
            del t[1:]
        elif bad == "str":
            del "abc"[:1]
        elif bad == "range":
            del range(3)[1:]
        elif bad == "bytes":
            del b"ab"[0]
        elif bad == "dict":
            del {}[1:2]
        elif bad == "set":
            del {1}[0]
        elif bad == "int":
            del (5)[0]
        elif bad == "instance":
            del Exception()[0]
        elif bad == "instance_str":
            del Exception()["k"]
        elif bad == "user":
            del MyError()[0]
        else:
            del MyError()["k"]
    except (TypeError, ValueError) as e:
        print(bad, type(e).__name__, e)
print(a)
