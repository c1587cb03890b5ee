# popitem on an empty dict raises KeyError.
d = {1: 2}
print(d.popitem())
d.popitem()
