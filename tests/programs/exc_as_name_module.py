# The name of 'except E as name' is deleted after its handler at module level
# too (CPython: name = None; del name), however the handler is left.
try:
    1 / 0
except ZeroDivisionError as err:
    print("caught", err)
print("err" in globals() if False else "after")
try:
    print(err)
except NameError as e2:
    print("NameError:", e2)

err = "kept before"
for i in range(3):
    try:
        raise KeyError(i)
    except KeyError as err:
        if i == 1:
            break
        continue
try:
    err
except NameError as e3:
    print("after break:", e3)


def outer():
    try:
        raise ValueError("v")
    except ValueError as cell_name:
        def show():
            return cell_name
        print("inside:", show())
    try:
        return show()
    except NameError as e4:
        return "cell emptied: " + str(e4)


print(outer())


def uses_global():
    global gerr
    try:
        raise IndexError("g")
    except IndexError as gerr:
        pass
    try:
        return gerr
    except NameError as e5:
        return str(e5)


print(uses_global())

try:
    try:
        raise TypeError("inner")
    except TypeError as t:
        raise ValueError("from handler")
except ValueError as v:
    print("outer caught", v)
try:
    print(t)
except NameError as e6:
    print(e6)
