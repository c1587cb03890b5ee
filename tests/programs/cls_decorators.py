# Class decorators: evaluated before the class statement, applied bottom-up to
# the finished class; the result is bound to the name.
registry = []


def register(cls):
    registry.append(cls.__name__)
    return cls


def tag(label):
    print("tag", label, "evaluated")

    def deco(cls):
        cls.label = label
        return cls
    return deco


def add_repr(cls):
    def __repr__(self):
        return f"<{type(self).__name__} {self.__dict__}>"
    cls.__repr__ = __repr__
    return cls


@register
@tag("outer")
@add_repr
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


print(Point(1, 2), Point.label, registry)


def replace(cls):
    return "replaced " + cls.__name__


@replace
class Gone:
    pass


print(Gone)


def factory(n):
    @tag(n)
    class Local:
        pass
    return Local


print(factory(3).label, factory("x").__qualname__)


def singleton(cls):
    return cls()


@singleton
class Config:
    debug = False

    def describe(self):
        return f"Config(debug={self.debug})"


print(Config.describe())
