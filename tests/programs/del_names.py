# del name: locals, globals, captured variables, in loops and handlers; the
# errors of deleting or reading an unbound name, as CPython.
g = 1
del g
try:
    print(g)
except NameError as e:
    print("NameError:", e)
try:
    del g
except NameError as e:
    print("NameError:", e)
a, b, c = 1, 2, 3
del a, (b, c)
print("a" in dir() if False else "deleted three")


def local_del(flag):
    x = 10
    if flag:
        del x
    try:
        return x
    except UnboundLocalError as e:
        return "UnboundLocalError: " + str(e)


print(local_del(False), local_del(True))


def loop_del():
    out = []
    for i in range(3):
        item = i * 2
        out.append(item)
        del item
    try:
        item
    except UnboundLocalError as e:
        out.append(str(e))
    return out


print(loop_del())


def rebind():
    v = "first"
    del v
    v = "second"
    return v


print(rebind())


def double_del():
    y = 1
    del y
    try:
        del y
    except UnboundLocalError as e:
        return str(e)


print(double_del())


def cells():
    z = 5

    def read():
        return z
    del z
    try:
        return read()
    except NameError as e:
        return type(e).__name__ + ": " + str(e)


print(cells())


def del_items():
    d = {"k": 1, "j": 2}
    lst = [1, 2, 3, 4]
    del d["k"], lst[0]
    del lst[-1]
    return d, lst


print(del_items())
counter = 0


def uses_global():
    global counter
    counter = 5
    del counter


uses_global()
try:
    counter
except NameError as e:
    print("NameError:", e)


def in_handler():
    try:
        raise ValueError("v")
    except ValueError:
        tmp = 1
        del tmp
    return "ok"


print(in_handler())
