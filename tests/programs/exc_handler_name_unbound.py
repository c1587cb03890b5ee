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
