# A chain of + with a str among its operands (CONCAT/CATCHK): evaluation order
# against user __add__/__radd__, TypeErrors, generators, non-ASCII.
class A:
    def __init__(self, v):
        self.v = v
    def __add__(self, o):
        print("add", self.v, o)
        return A(str(self.v) + "+" + str(o))
    def __radd__(self, o):
        print("radd", self.v, o)
        return "r(" + str(o) + "," + str(self.v) + ")"
    def __repr__(self):
        return "A(" + repr(self.v) + ")"

def f(x):
    print("f", x)
    return x

def main():
    s = "a"
    print(s + "b" + f("c") + "d")
    print(A(1) + "x" + f("y") + "z")
    print("p" + A(2) + f("q") + "r")
    print("p" + "q" + A(3) + f("s") + "t")
    print(1 + 2 + f(3) + 4 if False else "n" + str(1 + 2 + 3) + "m")
    try:
        print("x" + f(1) + f("never") + "y")
    except TypeError as e:
        print("TE", e)
    try:
        print(1 + "x" + f("never"))
    except TypeError as e:
        print("TE", e)
    try:
        print("x" + "y" + 3)
    except TypeError as e:
        print("TE", e)
    l = [1] 
    try:
        print("a" + "b" + l)
    except TypeError as e:
        print("TE", e)
    t = "é"
    u = t + "ü" + str(12) + "ß"
    print(u, len(u))
    print(f"{s}!" + s + f"<{t}>" + "z")
    def g():
        return "a" + (yield 1) + "c" + (yield 2) + "e"
    it = g()
    print(next(it), it.send("B"))
    try:
        it.send("D")
    except StopIteration as e:
        print("stop", e.value)
    try:
        print("a" + undefined_name + "b")
    except NameError as e:
        print("NE", e)
    x = "q"
    print(x + x + x + x + "!" + x)

main()
