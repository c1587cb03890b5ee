# isinstance with something that is not a class
print(isinstance(1, int))
isinstance(1, 5)
