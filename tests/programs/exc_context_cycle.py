# __context__ chains: a cycle the program made itself does not hang the next
# raise (CPython walks the chain with Floyd's cycle detection), and a raise
# that would close a cycle through the new exception cuts it instead.
a = ValueError("a")
b = ValueError("b")
a.__context__ = b
b.__context__ = a
try:
    raise a
except ValueError:
    try:
        raise KeyError("k")
    except KeyError as k:
        print(k.__context__ is a, a.__context__ is b, b.__context__ is a)

x = RuntimeError("x")
y = RuntimeError("y")
y.__context__ = x
try:
    raise y
except RuntimeError:
    try:
        raise x
    except RuntimeError as again:
        print(again is x, x.__context__ is y, y.__context__)

chain = None
for i in range(50):
    try:
        try:
            raise IndexError(i)
        except IndexError as inner:
            if chain is not None:
                inner.__context__ = chain
            raise
    except IndexError as outer:
        chain = outer
n = 0
c = chain
while c is not None:
    n += 1
    c = c.__context__
print("chain", n)
