# sum with a start value, of floats, and of lists.
print(sum([1, 2], 10), sum([0.1] * 10), sum([[1], [2]], []), sum(range(101)), sum([2 ** 64, 2 ** 64]))
