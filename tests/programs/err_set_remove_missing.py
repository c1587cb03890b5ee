# set.remove of a missing element raises KeyError.
s = {1, 2}
s.remove(1)
print(s)
s.remove(5)
