def outer():
    def inner():
        return 1
    print(w)
    w = 2
    return inner, lambda: w


outer()
