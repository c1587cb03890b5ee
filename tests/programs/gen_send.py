def echo():
    received = []
    while True:
        x = yield len(received)
        if x is None:
            break
        received.append(x)
    yield received


g = echo()
print(next(g))
print(g.send("a"))
print(g.send("b"))
print(g.send(None))
g2 = echo()
try:
    g2.send(1)
except TypeError as e:
    print("TypeError:", e)
g3 = echo()
next(g3)
g3.close()
print(next(g3, "closed"))
