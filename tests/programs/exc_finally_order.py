# finally runs on every way out: normal, exception, after except
def f(k):
    try:
        print("body", k)
        if k == 1:
            raise ValueError("one")
        print("end of body")
    except ValueError as e:
        print("except", e)
    else:
        print("else")
    finally:
        print("finally", k)

f(0)
f(1)
