# split and rsplit with separators, maxsplit and keywords.
s = "  a b  c  "
print(s.split(), s.split(None, 1), s.rsplit(None, 1), s.split(' '))
print(s.rsplit(' ', 2), "a,b,,c".split(",", 2), "a,b,,c".rsplit(",", 1), "a::b::c".split(sep="::"))
print("x".split(maxsplit=0), "a b c".split(maxsplit=1), "".split(), "".split(","), "a b".rsplit(maxsplit=0))
