def logged(fn):
    def wrapper(*args, **kwargs):
        print("call", args, sorted(kwargs.items()))
        result = fn(*args, **kwargs)
        print("result", result)
        return result
    return wrapper


def add(a, b=0):
    return a + b


add = logged(add)
add(1, 2)
add(5, b=7)


def compose(*fs):
    def run(x):
        for f in reversed(fs):
            x = f(x)
        return x
    return run


print(compose(str, abs, lambda v: v - 10)(3))
