# List slicing returns new lists.
xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
print(xs[2:5])
print(xs[:3], xs[7:])
print(xs[-3:], xs[:-7])
print(xs[::2], xs[1::2])
print(xs[::-1])
print(xs[8:2:-2])
print(xs[5:5], xs[9:1])
ys = xs[:]
ys[0] = 100
print(xs[0], ys[0])
print(xs[3:100])
