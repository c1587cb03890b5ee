# del of an item on an instance without __delitem__
class A:
    pass

del A()[0]
