# `except E as e`: str(e), repr(e) and e.args
try:
    int("abc")
except ValueError as e:
    print(str(e))
    print(repr(e))
    print(e.args)
    print(type(e).__name__)
