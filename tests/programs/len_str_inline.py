# len(x) and str(x) run inline for the common types; every other case goes
# through the built-in functions, with the same results and errors.
print(len("héllo"), len(""), len([1, 2]), len((1,)), len({1: 2, 3: 4}), len({1, 2, 3}), len(range(5)))
print(str(0), str(-7), str(1234567890123), str(-9223372036854775808), str(2 ** 80), str("já"))
print(str(True), str(None), str(1.5), str([1, "a"]), str(b"x"))
d = {"a": 1}
d["b"] = 2
del d["a"]
print(len(d))


class Sized:
    def __len__(self):
        return 42

    def __str__(self):
        return "sized"


print(len(Sized()), str(Sized()))


class P:
    size = property(len)

    def __len__(self):
        return 3


print(P().size)
n = 0
for i in range(1000):
    n += len(str(i))
print(n)
for bad in (5, None, 2.5):
    try:
        len(bad)
    except TypeError as e:
        print("TypeError:", e)
try:
    len("a", "b")
except TypeError as e:
    print("TypeError:", e)
mylen = len
print(mylen([0] * 7), str(), len(s="x") if False else "kw skipped")
