# with inside try/finally and try inside with
class CM:
    def __enter__(self):
        print("enter")

    def __exit__(self, t, v, tb):
        print("exit", t.__name__ if t else None)

def f():
    try:
        with CM():
            try:
                raise ValueError("x")
            finally:
                print("inner finally")
    finally:
        print("outer finally")

try:
    f()
except ValueError as e:
    print("caught", e)
