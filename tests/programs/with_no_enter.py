# an object without __enter__ in a with statement
class NotACM:
    pass

with NotACM():
    print("no")
