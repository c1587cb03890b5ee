# del of a list slice with a zero step
xs = [1, 2, 3]
del xs[::2]
print(xs)
del xs[::0]
