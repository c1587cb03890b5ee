# a bare raise re-raises the exception being handled
def f():
    try:
        1 / 0
    except ZeroDivisionError:
        print("logging")
        raise

try:
    f()
except ZeroDivisionError as e:
    print("re-raised:", e)
f()
