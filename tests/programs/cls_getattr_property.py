# getattr() on a property returns its getter's value; an AttributeError in it gives the default
class Temp:
    def __init__(self, c):
        self.c = c

    @property
    def f(self):
        return self.c * 9 / 5 + 32

    @property
    def broken(self):
        raise AttributeError("no such thing")

    @property
    def failing(self):
        raise ValueError("bad value")


t = Temp(100)
print(getattr(t, "f"), getattr(t, "c"), hasattr(t, "f"))
print(getattr(t, "broken", "default used"))
try:
    getattr(t, "broken")
except AttributeError as e:
    print("AttributeError:", e)
try:
    getattr(t, "failing", "not used")
except ValueError as e:
    print("ValueError:", e)
