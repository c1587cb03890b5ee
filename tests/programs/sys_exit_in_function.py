# sys.exit deep in a call stack unwinds; finally blocks run; Exception handlers do not catch it.
import sys
def f(n):
    try:
        if n == 0:
            sys.exit(2)
        f(n - 1)
    except Exception:
        print("not here")
    finally:
        print("unwind", n)
f(3)
