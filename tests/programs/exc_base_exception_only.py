# SystemExit and KeyboardInterrupt derive from BaseException, not Exception
import sys
def f():
    try:
        sys.exit(3)
    except Exception:
        print("wrong: caught by Exception")
    finally:
        print("finally runs")
try:
    f()
except SystemExit as e:
    print("caught SystemExit", e.code if hasattr(e, "code") else e.args)
try:
    raise KeyboardInterrupt
except BaseException as e:
    print(type(e).__name__)
sys.exit(4)
