# with calls __enter__ and __exit__; `as` binds __enter__'s result
class Res:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()

    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type, exc)
        return False

with Res("a") as r:
    print("body", r)
print("after")
