# reading a missing attribute: AttributeError with CPython's message
class Box:
    def __init__(self):
        self.content = 1

b = Box()
try:
    b.size
except AttributeError as e:
    print(e)
try:
    Box.size
except AttributeError as e:
    print(e)
b.nothing_here
