# Tuples hash as in CPython (xxHash scheme), so sets and hash() agree.
print(hash(()), hash((1,)), hash((1, 2)), hash((1, (2, 3))), hash((-1, 2 ** 70, 1.5)))
print(set([(2, 1), (1, 2), (0, 3), (3, 0), (5, 5)]))
