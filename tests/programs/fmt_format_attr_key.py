# str.format: {0.attr} attribute fields and {0[key]} string keys
class Point:
    kind = "point"

    def __init__(self, x, y):
        self.x = x
        self.y = y

    @property
    def norm1(self):
        return abs(self.x) + abs(self.y)


p = Point(3, -4)
print("{0.x},{0.y} {0.kind} {0.norm1}".format(p))
print("{.x}/{.y}".format(p, p))
print("{p.x:>5}|{p.y:<5}|{p.norm1:03d}".format(p=p))
d = {"name": "drift", "n": 3, "inner": {"k": [10, 20]}, "pt": p}
print("{0[name]} has {0[n]} items; {0[inner][k][1]} {0[pt].x}".format(d))
print("{d[name]!r:>10}|{d[inner]}".format(d=d))
print("{0[0]} {0[1]} {1[x]}".format(["a", "b"], {"x": "key x"}))
print("{[name]}".format(d))
print("{0.__class__.__name__} {1.__name__}".format(p, Point))
print("{0[name]:*^9}|{1:{2}.{3}f}".format(d, 2.5, 8, 3))


class Grid:
    def __getitem__(self, key):
        return "item(" + repr(key) + ")"


g = Grid()
print("{0[a]} {0[12]} {0[-1]} {0[x y]}".format(g))
print("x{0.x}{1[0]}y{2}".format(p, [7], "z" * 3))

for bad in ("{0.missing}", "{0[missing]}", "{0.}", "{0[]}", "{0[1}", "{0.x]}"):
    try:
        print(bad.format(p if "." in bad else {"k": 1}))
    except (AttributeError, KeyError, ValueError, TypeError) as e:
        print(bad, type(e).__name__, e)
print(getattr(p, "norm1"), getattr(p, "nope", "default"))
print("{0[}]} {0[:]} {0[!]} {0[{]}".format({"}": 1, ":": 2, "!": 3, "{": 4}))
