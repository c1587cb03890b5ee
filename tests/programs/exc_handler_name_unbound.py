# The name of 'except E as name' is unbound after the handler (as CPython)
def f():
    try:
        raise KeyError("k")
    except KeyError as e:
        print("in handler", repr(e))
    try:
        return e
    except UnboundLocalError as u:
        print("after handler:", u)


f()


def g(items):
    err = "before"
    for it in items:
        try:
            1 / it
        except ZeroDivisionError as err:
            print("caught", err)
            break
    try:
        print(err)
    except UnboundLocalError as u:
        print(u)


g([1, 2])
g([1, 0])


def h():
    # the name is bound again on the next handler
    for i in range(2):
        try:
            raise ValueError(i)
        except ValueError as e:
            print("got", e)
    return "ok"


print(h())


def broke_out():
    # break out of the handler: the name is unbound too
    while True:
        try:
            raise ValueError("v")
        except ValueError as e:
            break
    try:
        print(e)
    except UnboundLocalError as u:
        print("after break:", u)


broke_out()


def nested_same_name():
    try:
        raise KeyError("outer")
    except KeyError as e:
        try:
            raise IndexError("inner")
        except IndexError as e:
            print("inner", repr(e))
        try:
            print(e)
        except UnboundLocalError as u:
            print("inner handler unbound it:", u)


nested_same_name()


def raised_out():
    # an exception leaving the handler unbinds the name as well
    try:
        try:
            raise ValueError("v")
        except ValueError as e:
            raise KeyError("k")
    except KeyError as k:
        print("outer caught", repr(k), "context", repr(k.__context__))
    try:
        print(e)
    except UnboundLocalError as u:
        print("after an exception left the handler:", u)


raised_out()
