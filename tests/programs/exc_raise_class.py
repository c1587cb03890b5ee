# raising a class instantiates it without arguments
try:
    raise IndexError
except IndexError as e:
    print("args", e.args, "str", repr(str(e)))
