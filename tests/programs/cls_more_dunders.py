# __pow__, __iadd__, __invert__, __mod__, reflected __radd__ with sum(), __class__
class N:
    def __init__(self, v):
        self.v = v

    def __pow__(self, k):
        return N(self.v ** k)

    def __iadd__(self, o):
        self.v += o
        return self

    def __invert__(self):
        return N(~self.v)

    def __mod__(self, m):
        return N(self.v % m)

    def __add__(self, o):
        return N(self.v + (o.v if isinstance(o, N) else o))

    def __radd__(self, o):
        return N(o + self.v)

    def __repr__(self):
        return "N(" + str(self.v) + ")"

n = N(3)
print(n ** 2, ~n, n % 2)
m = n
m += 5
print(m, n, m is n)
print(sum([N(1), N(2), N(3)]))
print(n.__class__.__name__, N.__name__, n.__class__ is N)
print(1 + N(1), N(1) + N(2))
