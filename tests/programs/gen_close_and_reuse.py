def numbers():
    for i in range(5):
        yield i


g = numbers()
print(next(g), next(g))
g.close()
print(list(g))
g.close()
h = numbers()
h.close()
print(next(h, "closed before start"))
