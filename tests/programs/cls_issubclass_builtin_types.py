# issubclass/isinstance with the built-in types: bool < int < object, every type < object
def show(f):
    try:
        print(f())
    except (TypeError, RecursionError) as e:
        print(type(e).__name__, e)

class A:
    pass

class B(A):
    pass

print(issubclass(bool, int), issubclass(int, bool), issubclass(bool, bool), issubclass(int, int))
print(issubclass(int, object), issubclass(bool, object), issubclass(str, object), issubclass(float, object))
print(issubclass(list, object), issubclass(tuple, object), issubclass(dict, object), issubclass(set, object))
print(issubclass(frozenset, object), issubclass(range, object), issubclass(bytes, object), issubclass(type, object))
print(issubclass(int, float), issubclass(float, int), issubclass(frozenset, set), issubclass(str, bytes))
print(issubclass(object, int), issubclass(object, object), issubclass(type, type), issubclass(int, type))
# tuples of classes, mixed with user and exception classes
print(issubclass(bool, (str, int)), issubclass(bool, (str, float)), issubclass(int, (A, object)))
print(issubclass(B, (int, A)), issubclass(A, (int, B)), issubclass(bool, ((list,), (int,))))
print(issubclass(A, int), issubclass(int, A), issubclass(int, Exception), issubclass(ValueError, int))
print(issubclass(ValueError, (int, Exception)), issubclass(KeyError, (str, LookupError)))
print(issubclass(type(None), object), issubclass(type(len), object), issubclass(type(True), int))
print(issubclass(int, ()), issubclass(1, ()), issubclass(int, (int, 1)))
# isinstance: bool values are ints, classes and built-in types are instances of type
print(isinstance(True, int), isinstance(True, (str, int)), isinstance(1, bool), isinstance(False, object))
print(isinstance(int, type), isinstance(bool, type), isinstance(A, type), isinstance(ValueError, type))
print(isinstance(len, type), isinstance(3, type), isinstance(int, object), isinstance(int, type(len)))
print(type(int), type(str) is type, type(bool) == type(A))
print(isinstance(5, ()), isinstance(5, (int, 1)))
# errors: CPython's messages, arg 1 checked first, tuples left to right
show(lambda: issubclass(1, int))
show(lambda: issubclass(int, 1))
show(lambda: issubclass(int, len))
show(lambda: issubclass(len, int))
show(lambda: issubclass(A(), A))
show(lambda: issubclass(A, A()))
show(lambda: issubclass(int, (1, int)))
show(lambda: issubclass(1, (int,)))
show(lambda: isinstance(1, len))
show(lambda: isinstance(1, (1, int)))
show(lambda: issubclass(int))
# a deeply nested tuple of classes: RecursionError, as CPython
t = ()
for i in range(5000):
    t = (t,)
show(lambda: isinstance(1, t))
show(lambda: issubclass(int, t))
show(lambda: issubclass(bool, (int, t)))
