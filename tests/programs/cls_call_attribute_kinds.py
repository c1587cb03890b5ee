# What a class's __call__ may be: a function (bound to the instance), a callable
# instance or a class (called as they are, no self), a staticmethod, a classmethod.


class Adder:
    def __call__(self, x):
        return x + 1


class ByInstance:
    __call__ = Adder()


class Point:
    def __init__(self, x):
        self.x = x

    def __repr__(self):
        return f"Point({self.x})"


class ByClass:
    __call__ = Point


class ByStatic:
    @staticmethod
    def __call__(x):
        return x * 2


class ByClassmethod:
    @classmethod
    def __call__(cls, x):
        return (cls.__name__, x)


class Plain:
    def __call__(self, *args):
        return (type(self).__name__, args)


print(ByInstance()(41))
print(ByClass()(3))
print(ByStatic()(21))
print(ByClassmethod()(7))
print(Plain()(1, 2))


class Loop:
    pass


loop = Loop()
Loop.__call__ = loop
try:
    loop()
except RecursionError as e:
    print("RecursionError:", e)
