# the exception is passed to __exit__, then propagates
class Watch:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        print("exit sees", exc_type.__name__, exc)
        return None

try:
    with Watch():
        raise KeyError("inside")
except KeyError as e:
    print("propagated", repr(e))
