# item assignment on an instance without __setitem__
class A:
    pass

a = A()
a["k"] = 1
