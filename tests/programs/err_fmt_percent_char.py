# An unknown conversion character is a ValueError naming it.
print("%s" % 1)
print("%y" % 1)
