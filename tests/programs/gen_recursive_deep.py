def count(n):
    if n:
        yield n
        yield from count(n - 1)


print(sum(count(200)))
print(len(list(count(300))))
