# %d of a str is a TypeError.
print("%d" % 5)
print("%d" % "5")
