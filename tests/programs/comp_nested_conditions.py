matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([v for row in matrix for v in row if v % 2])
print([row[i] for i, row in enumerate(matrix)] if False else [matrix[i][i] for i in range(3)])
print([[row[i] for row in matrix] for i in range(3)])
print([x if x > 2 else -x for x in range(5)])
print([(x, y) for x in range(4) if x % 2 == 0 for y in range(x) if y > 0])
