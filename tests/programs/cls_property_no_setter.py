# assigning to a property without a setter is an AttributeError
class P:
    @property
    def x(self):
        return 1

p = P()
print(p.x)
p.x = 2
