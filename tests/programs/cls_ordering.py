# __lt__ and friends drive sorted, min, max and comparisons
class Ver:
    def __init__(self, major, minor):
        self.major = major
        self.minor = minor

    def __lt__(self, other):
        return (self.major, self.minor) < (other.major, other.minor)

    def __le__(self, other):
        return (self.major, self.minor) <= (other.major, other.minor)

    def __repr__(self):
        return f"{self.major}.{self.minor}"

vs = [Ver(1, 10), Ver(1, 2), Ver(0, 9), Ver(2, 0)]
print(sorted(vs))
print(sorted(vs, reverse=True))
print(min(vs), max(vs))
print(Ver(1, 0) < Ver(1, 1), Ver(1, 1) > Ver(1, 0), Ver(2, 0) <= Ver(2, 0), Ver(3, 0) >= Ver(2, 9))
vs.sort()
print(vs)
