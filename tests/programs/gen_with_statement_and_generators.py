class Box:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, *exc):
        print("exit", self.name)
        return False


def produce():
    with Box("gen"):
        yield 1
        yield 2


for v in produce():
    print("value", v)
