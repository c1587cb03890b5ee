# exceptions with several arguments, str and repr
e = ValueError("a", 2)
print(e.args)
print(str(e))
print(repr(e))
print(repr(KeyError("k")), str(KeyError("k")))
print(repr(RuntimeError()), repr(str(RuntimeError())))
print(len(e.args))
