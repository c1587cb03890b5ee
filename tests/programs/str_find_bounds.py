# find, rfind, index, rindex and count with start and end, by code point.
t = "abcabcabc"
print(t.find("c"), t.find("c", 3), t.find("c", 3, 5), t.rfind("c"), t.rfind("c", 0, 5), t.find("a", 100))
print(t.index("b"), t.rindex("b"), t.count("bc"), t.count("a", 1), t.count("a", -3), t.find(""), t.rfind(""), t.count(""))
print("éàü".find("ü"), "éàü".rfind("à"), "xyz".find("z", -1), "aaaa".count("aa"), t.index("c", -2))
