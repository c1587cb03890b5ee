# several context managers in one with: exited in reverse order
class CM:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, t, v, tb):
        print("exit", self.name, t is not None)
        return False

with CM("outer") as a, CM("inner") as b:
    print("body", a.name, b.name)
try:
    with CM("x"), CM("y"):
        raise ValueError("v")
except ValueError:
    print("caught")
