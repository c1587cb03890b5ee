# Constant indexes (GETITEMI) on every indexable type, and `is None` tests.
t = (1, 2, 3)
l = [4, 5, 6]
s = "héllo"
d = {0: "zero", -1: "minus one", 3: "three"}
r = range(10, 20)
print(t[0], t[-1], l[1], l[-3], s[1], s[-1], d[0], d[-1], r[3], r[-1])
print(t[127] if len(t) > 127 else "short", l[-128] if len(l) >= 128 else "short")
nested = [[1, [2, (3, None)]]]
print(nested[0][1][1][0], nested[0][1][1][1] is None)
for x in [None, 0, "", [], (None,)]:
    if x is None:
        print("none", end=" ")
    if x is not None:
        print("some", repr(x), end=" ")
    if not x is None:
        print("not-none", end=" ")
    print()
try_me = [None, 1]
print((try_me[0] is None, try_me[1] is not None))
print(l[3])
