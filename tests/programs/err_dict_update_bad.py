# dict() from a sequence whose items are not pairs raises ValueError.
print(dict([(1, 2)]))
print(dict([(1, 2, 3)]))
