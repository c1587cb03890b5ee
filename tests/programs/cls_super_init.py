# super() calls the base class's methods
class Base:
    def __init__(self, a):
        self.a = a
        print("Base init", a)

    def total(self):
        return self.a

class Child(Base):
    def __init__(self, a, b):
        super().__init__(a)
        self.b = b
        print("Child init", b)

    def total(self):
        return super().total() + self.b

c = Child(2, 5)
print(c.total())
