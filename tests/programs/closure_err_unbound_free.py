def outer():
    def inner():
        return v
    print(inner.__name__ if False else "calling")
    r = inner()
    v = 1
    return r


outer()
