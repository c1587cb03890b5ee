# Constant indexes (GETITEMI): from the front, from the back, out of range,
# on lists, tuples, strings and a class with __getitem__.
a = [10, 20, 30]
t = (1, 2, 3)
print(a[0], a[2], a[-1], a[-3], t[0], t[-1], "xyz"[1], "xyz"[-1])
a.append(40)
print(a[3], a[-4])
a.pop()
a.pop()
for f in (lambda: a[2], lambda: a[-3], lambda: t[3], lambda: [][0]):
    try:
        print(f())
    except IndexError as e:
        print("IndexError:", e)


class Seq:
    def __getitem__(self, i):
        return i * 2


print(Seq()[5], Seq()[-1])
n = None
try:
    print(n[0])
except TypeError as e:
    print("TypeError:", e)
