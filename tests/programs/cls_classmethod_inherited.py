# a classmethod called on a subclass receives the subclass
class Shape:
    sides = 0

    @classmethod
    def make(cls):
        return cls()

    def describe(self):
        return type(self).__name__ + " with " + str(self.sides) + " sides"

class Triangle(Shape):
    sides = 3

class Square(Shape):
    sides = 4

for c in [Shape, Triangle, Square]:
    print(c.make().describe())
