# custom exceptions without __init__ take any arguments
class Oops(RuntimeError):
    pass

try:
    raise Oops("a", 1)
except RuntimeError as e:
    print(e.args, repr(e))
try:
    raise Oops
except Oops as e:
    print(repr(e))
