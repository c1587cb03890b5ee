# type() of None, functions and generators, and isinstance with them
def f():
    yield 1

NoneType = type(None)
print(type(None).__name__, type(f).__name__, type(len).__name__, type(f()).__name__)
print(isinstance(None, NoneType), isinstance(0, NoneType), type(None) is NoneType)
print(type(None))
