# __eq__ and __hash__: equality, `in`, dict keys and sets
class Key:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __eq__(self, other):
        return isinstance(other, Key) and self.a == other.a and self.b == other.b

    def __hash__(self):
        return hash((self.a, self.b))

k1, k2, k3 = Key(1, 2), Key(1, 2), Key(2, 1)
print(k1 == k2, k1 == k3, k1 != k2, k1 != k3, k1 == 5)
d = {k1: "first"}
d[k2] = "second"
d[k3] = "third"
print(len(d), d[Key(1, 2)], d[Key(2, 1)])
print(Key(2, 1) in d, Key(9, 9) in d, Key(1, 2) in [k3, k2])
s = set()
s.add(k1)
s.add(k2)
print(len(s))
