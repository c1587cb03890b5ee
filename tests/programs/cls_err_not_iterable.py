# iterating an instance without __iter__
class A:
    pass

for x in A():
    print(x)
