def f(data):
    return [d * 2 for d in data]


print(f([1, 2]))
n = 3
print([[n for _ in range(n)] for n in range(n)])
