# del of a slice of a tuple
t = (1, 2, 3)
del t[1:]
