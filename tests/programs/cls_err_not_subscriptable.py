# subscripting an instance without __getitem__
class A:
    pass

print("start")
A()[0]
