# Recursive flood fill on a character grid.
rows = [
    "#########",
    "#...#...#",
    "#...#...#",
    "#.###.#.#",
    "#.....#.#",
    "#########",
]
grid = []
for r in rows:
    grid.append(list(r))


def fill(y, x, ch):
    if y < 0 or y >= len(grid) or x < 0 or x >= len(grid[0]):
        return 0
    if grid[y][x] != ".":
        return 0
    grid[y][x] = ch
    return 1 + fill(y + 1, x, ch) + fill(y - 1, x, ch) + fill(y, x + 1, ch) + fill(y, x - 1, ch)


print(fill(1, 1, "a"))
print(fill(1, 7, "b"))
print(fill(1, 1, "c"))
for row in grid:
    print("".join(row))
