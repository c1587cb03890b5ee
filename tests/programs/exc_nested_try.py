# an inner handler that does not match lets the outer one catch
def f():
    try:
        try:
            {}["missing"]
        except IndexError:
            print("wrong handler")
        finally:
            print("inner finally")
    except KeyError as e:
        print("outer caught", e)

f()
try:
    try:
        raise ValueError("a")
    except ValueError:
        raise TypeError("b")
except TypeError as e:
    print("got", e, "context", repr(e.__context__))
