# str.index of a missing substring raises ValueError.
print("abc".index("c"))
print("abc".index("d"))
