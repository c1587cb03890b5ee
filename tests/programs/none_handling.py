# None as a value and identity checks.
x = None
print(x, repr(x), str(x))
print(x is None, x is not None, x == None, x != None)


def maybe(n):
    if n > 0:
        return n
    return None


for n in [3, 0, -1]:
    r = maybe(n)
    if r is None:
        print(n, "-> none")
    else:
        print(n, "->", r)
d = {"a": None}
print(d.get("a") is None, d.get("b") is None, "a" in d)
lst = [None] * 3
lst[1] = 1
print(lst)
print(None in lst, lst.index(None))
