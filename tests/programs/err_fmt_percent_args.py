# Too few arguments for a %-format is a TypeError.
print("%s-%s" % ("a", "b"))
print("%s %s" % ("a",))
