def f():
    class C:
        y = x + 1
    x = 1
    return C


print("start")
f()
