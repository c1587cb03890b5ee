# an exception leaving a with block uncaught: __exit__ ran first
class CM:
    def __enter__(self):
        return 1

    def __exit__(self, t, v, tb):
        print("cleanup")

with CM() as one:
    print(one)
    raise NotImplementedError("later")
