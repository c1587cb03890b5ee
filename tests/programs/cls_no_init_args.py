# a class without __init__ takes no arguments
class Empty:
    pass

e = Empty()
e.x = 1
print(e.x)
Empty(5)
