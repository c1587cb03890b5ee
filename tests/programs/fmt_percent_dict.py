# printf-style formatting with a mapping: %(name)s.
d = {"a": "x", "b": 2.25, "n": 7}
print("%(a)s and %(b)05.1f, %(n)d%%" % d)
print("%(n)3d|%(a)-3s|" % d, "%s" % {"k": 1})
