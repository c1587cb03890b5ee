# Lists are mutable and shared by reference.
a = [1, 2, 3]
b = a
b.append(4)
print(a, b)
c = list(a)
c.append(5)
print(a, c)


def mutate(lst):
    lst[0] = "changed"
    lst.append("more")


mutate(a)
print(a, b)
grid = [[0] * 3, [0] * 3]
grid[0][1] = 5
print(grid)
shared = [0] * 2
bad = [shared, shared]
bad[0][0] = 9
print(bad)
