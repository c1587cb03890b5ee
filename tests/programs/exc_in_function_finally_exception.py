# an exception inside finally replaces the original one
def f():
    try:
        raise ValueError("first")
    finally:
        raise KeyError("second")

try:
    f()
except KeyError as e:
    print("got", repr(e), "context", repr(e.__context__))
