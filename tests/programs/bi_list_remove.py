# list.remove removes the first equal item.
l = [3, 1, 3, 2, 1.0]
l.remove(3)
l.remove(1)
print(l)
l.remove(1)
print(l)
