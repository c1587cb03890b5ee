# finally runs, then the exception continues to the top
def f():
    try:
        raise RuntimeError("boom")
    finally:
        print("finally before traceback")

f()
