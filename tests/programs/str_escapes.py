# Escapes and quotes in str vs repr.
a = "it's"
b = 'say "hi"'
c = "both ' and \""
d = "tab\there"
e = "line1\nline2"
f = "back\\slash"
print(a)
print(b)
print(c)
print(d)
print(e)
print(f)
print(repr(a))
print(repr(b))
print(repr(c))
print(repr(d))
print(repr(e))
print(repr(f))
print([a, b, c, d, e, f])
print(len(e), len(f), len("\n"))
print(repr(""), repr("\r"))
