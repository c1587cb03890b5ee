# Mixing automatic and manual field numbering is a ValueError.
print("{0}{1}".format(1, 2))
print("{}{1}".format(1, 2))
