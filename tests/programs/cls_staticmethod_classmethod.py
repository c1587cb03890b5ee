# @staticmethod and @classmethod, called on the class and on instances
class Temp:
    scale = "C"

    def __init__(self, deg):
        self.deg = deg

    @staticmethod
    def c_to_f(c):
        return c * 9 / 5 + 32

    @classmethod
    def from_f(cls, f):
        return cls((f - 32) * 5 / 9)

    @classmethod
    def unit(cls):
        return cls.scale

print(Temp.c_to_f(100))
t = Temp.from_f(212)
print(t.deg, type(t).__name__)
print(t.c_to_f(0), t.unit(), Temp.unit())
