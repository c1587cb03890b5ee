# Tuples as dictionary keys.
grid = {}
for i in range(3):
    for j in range(3):
        grid[(i, j)] = i * 3 + j
print(grid[(1, 2)], grid[(2, 0)])
print((1, 1) in grid, (5, 5) in grid)
print(len(grid))
visited = {}
pos = (0, 0)
moves = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 0), (1, 0)]
visited[pos] = True
for d in moves:
    pos = (pos[0] + d[0], pos[1] + d[1])
    if pos in visited:
        print("revisit", pos)
    visited[pos] = True
print(list(visited.keys()))
mixed = {1: "int", "1": "str", (1,): "tuple", 1.5: "float"}
print(mixed[1], mixed["1"], mixed[(1,)], mixed[1.5])
print(mixed)
