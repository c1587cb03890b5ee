# the built-in hierarchy: catching a base class
tests = [
    (ZeroDivisionError, ArithmeticError), (OverflowError, ArithmeticError),
    (KeyError, LookupError), (IndexError, LookupError), (RecursionError, RuntimeError),
    (NotImplementedError, RuntimeError), (UnboundLocalError, NameError),
    (ValueError, Exception), (StopIteration, Exception), (Exception, BaseException),
]
for cls, base in tests:
    try:
        raise cls("x")
    except base as e:
        print(cls.__name__, "is a", base.__name__, isinstance(e, Exception))
print(issubclass(KeyError, LookupError), issubclass(KeyError, ArithmeticError))
