# del of a built-in's name: NameError unless the program bound it; deleting
# the program's own binding brings the built-in back, as CPython's lookup does.
for attempt in range(2):
    try:
        del len
    except NameError as e:
        print("NameError:", e)
print(len("abc"))

len = lambda s: "mine"
print(len("abc"))
del len
print(len("abc"))            # the built-in again
try:
    del len
except NameError as e:
    print("NameError:", e)


def shadow():
    global print_it, ValueError
    ValueError = KeyError
    try:
        raise ValueError("k")
    except KeyError as e:
        print("raised", type(e).__name__)
    del ValueError
    try:
        raise ValueError("v")
    except ValueError as e:
        print("raised", type(e).__name__)
    try:
        del ValueError
    except NameError as e:
        print("NameError:", e)


shadow()
for name in ["object", "NotImplemented", "sorted", "Exception"]:
    try:
        if name == "object":
            del object
        elif name == "NotImplemented":
            del NotImplemented
        elif name == "sorted":
            del sorted
        else:
            del Exception
    except NameError as e:
        print("NameError:", e)
print(object, NotImplemented, sorted([3, 1, 2]), Exception("e"))
x = 1
del x
try:
    del x
except NameError as e:
    print("NameError:", e)
