# isinstance with user classes, tuples and built-in types
class A:
    pass

class B(A):
    pass

class C:
    pass

b = B()
print(isinstance(b, B), isinstance(b, A), isinstance(b, C), isinstance(b, (C, A)))
print(isinstance(1, int), isinstance(True, int), isinstance(1.5, float), isinstance("s", str))
print(isinstance([1], list), isinstance({}, dict), isinstance((1,), tuple), isinstance(1, (str, float)))
print(isinstance(b, object), isinstance(3, object))
print(issubclass(B, A), issubclass(A, B), issubclass(B, (C, A)))
