# del on list indexes (positive and negative) and pop with index.
xs = ["a", "b", "c", "d", "e", "f"]
del xs[0]
print(xs)
del xs[-1]
print(xs)
del xs[1]
print(xs)
print(xs.pop(-1), xs)
print(xs.pop(1), xs)
xs[-1] = "Z"
print(xs)
ys = list(range(10))
i = 0
while i < len(ys):
    if ys[i] % 3 == 0:
        del ys[i]
    else:
        i += 1
print(ys)
