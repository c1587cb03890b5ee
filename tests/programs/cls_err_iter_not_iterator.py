# __iter__ must return an iterator
class I:
    def __iter__(self):
        return 5

class J:
    def __iter__(self):
        return J2()

class J2:
    pass

try:
    for x in I():
        pass
except TypeError as e:
    print(e)
for x in J():
    pass
