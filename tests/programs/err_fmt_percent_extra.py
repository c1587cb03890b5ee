# Arguments left over after %-formatting are a TypeError.
print("%s" % "a")
print("%s" % ("a", "b"))
