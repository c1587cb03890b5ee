# Multiple inheritance errors: inconsistent MRO, bases that are not classes
class A:
    pass


class B(A):
    pass


try:
    class C(A, B):              # A before its own subclass: no consistent order
        pass
except TypeError as e:
    print("TypeError:", e)
try:
    class D(A, 5):
        pass
except TypeError as e:
    print("TypeError:", e)


class X(B, A):                  # fine: B's MRO already has A after B
    pass


print([k.__name__ for k in X.__mro__], [k.__name__ for k in A.__mro__])
print(X.__mro__[0] is X, X.__mro__[-1] is object)


class Y(Exception, A):
    pass


print([k.__name__ for k in Y.__mro__])
class Z(A, B):
    pass
