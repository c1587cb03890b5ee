# class-body names refer to earlier class attributes
class Grid:
    width = 4
    height = 3
    cells = width * height
    names = ["w", "h"]

print(Grid.cells, Grid.names)
g = Grid()
print(g.cells, g.width)
