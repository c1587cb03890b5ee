def g():
    x = yield
    print("got", x)
    y = yield x
    print("got", y)
    yield (x, y)


it = g()
print(next(it))
print(it.send(1))
print(it.send(2))
print(next(it, "end"))


def h():
    total = 0
    while True:
        v = yield total
        if v is None:
            return total
        total += v


k = h()
next(k)
for v in (5, 6, 7):
    k.send(v)
try:
    k.send(None)
except StopIteration as e:
    print("stopped with", e.value)
