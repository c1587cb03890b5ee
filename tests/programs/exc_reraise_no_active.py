# a bare raise with no exception being handled
def f():
    raise

f()
