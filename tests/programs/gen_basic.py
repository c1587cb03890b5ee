def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1


for v in count_up(3):
    print(v)
print(list(count_up(5)))
g = count_up(2)
print(next(g), next(g), next(g, "done"))
print(type(g).__name__ if False else "generator")
