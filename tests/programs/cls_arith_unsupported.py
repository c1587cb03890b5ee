# an operator the class does not define is a TypeError
class Money:
    def __init__(self, c):
        self.c = c

    def __add__(self, o):
        if not isinstance(o, Money):
            return NotImplemented
        return Money(self.c + o.c)

print((Money(1) + Money(2)).c)
Money(1) + 5
