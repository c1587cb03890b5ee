# A missing positional field in str.format is an IndexError.
print("{} {}".format(1, 2))
print("{} {}".format(1))
