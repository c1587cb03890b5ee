# __len__, __getitem__, __setitem__, __delitem__, __contains__, __bool__
class Bag:
    def __init__(self):
        self.items = {}

    def __len__(self):
        return len(self.items)

    def __getitem__(self, k):
        return self.items[k]

    def __setitem__(self, k, v):
        self.items[k] = v

    def __delitem__(self, k):
        del self.items[k]

    def __contains__(self, k):
        return k in self.items

b = Bag()
print(len(b), bool(b))
if not b:
    print("empty bag is falsy")
b["x"] = 1
b["y"] = 2
print(len(b), b["x"], "x" in b, "z" in b, "z" not in b)
del b["x"]
print(len(b), "x" in b)
if b:
    print("non-empty bag is truthy")
try:
    b["nope"]
except KeyError as e:
    print("KeyError", e)
