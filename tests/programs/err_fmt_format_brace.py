# A lone '}' in a format string is a ValueError.
print("{{x}}".format())
print("x}".format())
