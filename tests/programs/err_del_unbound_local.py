def f():
    value = 1
    del value
    return value + 1


print("start")
f()
