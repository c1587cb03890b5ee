# __str__ and __repr__ used by print, str, repr, f-strings and containers
class V:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __repr__(self):
        return f"V({self.x}, {self.y})"

class Named:
    def __init__(self, n):
        self.n = n

    def __str__(self):
        return "Named " + self.n

    def __repr__(self):
        return "<Named " + repr(self.n) + ">"

v = V(1, 2)
print(v)
print(str(v), repr(v))
print([v, V(3, 4)], {"k": v}, (v,))
n = Named("x")
print(n, str(n), repr(n), [n])
print(f"{n} and {n!r} and {v}")
