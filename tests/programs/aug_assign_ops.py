# Augmented assignment on names, list elements and dict entries.
x = 10
x += 5
print(x)
x -= 3
print(x)
x *= 4
print(x)
x //= 5
print(x)
x %= 4
print(x)
x **= 3
print(x)
x <<= 2
print(x)
x >>= 1
print(x)
x |= 1
print(x)
x &= 6
print(x)
x ^= 15
print(x)
x /= 4
print(x)
s = "ab"
s += "cd"
s *= 2
print(s)
xs = [1, 2, 3]
xs[0] += 10
xs[-1] *= 7
print(xs)
alias = xs
xs += [4]
print(xs, alias, alias == xs)
d = {"n": 1}
d["n"] += 41
print(d)
grid = [[1, 2], [3, 4]]
grid[1][0] -= 10
print(grid)
