# More + chains compiled to CONCAT: numbers stay numbers, lists and tuples,
# exceptions raised in the middle of a chain, a handler in the same function.
log = []


def side(tag, v):
    log.append(tag)
    return v


class Loud:
    def __init__(self, s):
        self.s = s

    def __add__(self, o):
        log.append("add:" + str(o))
        if o == "boom":
            raise ValueError("no " + o)
        return Loud(self.s + "|" + str(o))

    def __radd__(self, o):
        log.append("radd:" + str(o))
        return o + "<" + self.s + ">"

    def __str__(self):
        return "Loud(" + self.s + ")"


def main():
    a, b = 2, 3
    print(a + b + 4 + a, 1.5 + a + b + 0.25)
    print([1] + [2] + [3, 4], (1,) + (2,) + ())
    x = Loud("x")
    try:
        print(str(x + "ok" + "boom" + side("late", "z")))
    except ValueError as e:
        print("VE", e, log)
    log.clear()
    print(str(x + "a" + side("mid", "b") + "c"), log)
    log.clear()
    print("s" + x + side("after", "t") + "u", log)
    log.clear()
    try:
        r = "q" + side("one", 1) + side("two", "never")
    except TypeError as e:
        print("TE", e, log)
    log.clear()
    try:
        r = "q" + "r" + side("one", None) + side("two", "x")
    except TypeError as e:
        print("TE", e, log)
    try:
        r = "q" + "r" + b"s"
    except TypeError as e:
        print("TE", e)
    try:
        r = "q" + "r" + Loud("s") + 1
    except TypeError as e:
        print("TE", e)
    s = ""
    for i in range(50):
        s = s + "<" + str(i) + ">" + "-" * (i % 3)
    print(len(s), s[:40], s[-20:], hash(s) == hash("" + s + ""))
    d = {}
    for i in range(200):
        k = "k" + str(i % 17) + "_" + str(i % 5)
        d[k] = d.get(k, 0) + 1
    print(len(d), sorted(d.items())[:5])
    e = "é" + "x" + "ß" + "中文"
    print(e, len(e), e[2], e[::-1])
    try:
        print("a" + "b" + undefined_later)
    except NameError as e:
        print("NE", e)


main()
