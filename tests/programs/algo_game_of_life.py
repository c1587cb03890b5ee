# Conway's Game of Life on a small torus.
W = 8
H = 6


def show(g):
    for row in g:
        line = ""
        for c in row:
            line += "#" if c else "."
        print(line)
    print()


def step(g):
    out = []
    for y in range(H):
        row = []
        for x in range(W):
            n = 0
            for dy in [-1, 0, 1]:
                for dx in [-1, 0, 1]:
                    if dy != 0 or dx != 0:
                        n += g[(y + dy) % H][(x + dx) % W]
            alive = g[y][x] == 1
            if alive and (n == 2 or n == 3):
                row.append(1)
            elif not alive and n == 3:
                row.append(1)
            else:
                row.append(0)
        out.append(row)
    return out


grid = []
for y in range(H):
    grid.append([0] * W)
grid[0][1] = 1
grid[1][2] = 1
grid[2][0] = 1
grid[2][1] = 1
grid[2][2] = 1
for gen in range(4):
    print("gen", gen)
    show(grid)
    grid = step(grid)
