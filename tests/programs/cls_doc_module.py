# __doc__ and __module__ of classes (in the class dict, as CPython: instances
# see them too; a class without a docstring has __doc__ None).


class Documented:
    """The docstring."""

    def method(self):
        return self.__doc__


class Plain:
    pass


class Child(Documented):
    pass


def local():
    class L:
        "local doc"
        text = __doc__ if False else "body"
    return L


print(repr(Documented.__doc__), Documented().method(), Plain.__doc__, Child.__doc__)
print(Documented.__module__, Plain().__module__, local().__doc__, local().__module__, local().text)
