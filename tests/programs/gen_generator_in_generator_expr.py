def evens():
    n = 0
    while True:
        yield n
        n += 2


src = evens()
firsts = [next(src) for _ in range(4)]
print(firsts)
g = (x * x for x in evens() if x % 3 == 0)
print([next(g) for _ in range(4)])
print(sum(1 for _ in zip([1, 2, 3], "ab")) if False else sum(1 for _ in range(7)))
