# an exception's __cause__ and __context__ default to None
e = KeyError("k")
print(e.__cause__, e.__context__, e.args)
try:
    raise e
except KeyError as caught:
    print(caught is e)
