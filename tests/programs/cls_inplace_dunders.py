# __isub__, __ior__, __iand__, __ixor__ are used by -= |= &= ^= (falling back to __sub__...)
class Acc:
    def __init__(self, v):
        self.v = v

    def __isub__(self, o):
        print("isub", o)
        self.v -= o
        return self

    def __ior__(self, o):
        print("ior", o)
        self.v |= o
        return self

    def __iand__(self, o):
        return NotImplemented           # falls back to __and__

    def __and__(self, o):
        print("and", o)
        return Acc(self.v & o)

    def __xor__(self, o):
        print("xor", o)
        return Acc(self.v ^ o)

    def __repr__(self):
        return "Acc(%d)" % self.v


a = Acc(12)
b = a
a -= 5
print(a is b, a)
a |= 16
print(a is b, a)
a &= 6
print(a is b, a, b)
a ^= 1
print(a is b, a)
items = [Acc(1)]
items[0] -= 10
print(items)
try:
    a -= "x"
except TypeError as e:
    print("TypeError:", e)
