# __exit__ returning true suppresses the exception
class Suppress:
    def __init__(self, cls):
        self.cls = cls

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, self.cls):
            print("suppressed", exc)
            return True
        return False

with Suppress(ZeroDivisionError):
    1 / 0
    print("not reached")
print("continues")
try:
    with Suppress(ZeroDivisionError):
        [][1]
except IndexError as e:
    print("not suppressed:", e)
