# ordering instances without __lt__ is a TypeError
class A:
    pass

try:
    A() < A()
except TypeError as e:
    print(e)
sorted([A(), A()])
