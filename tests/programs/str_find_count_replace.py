# Edge cases of find, count and replace.
s = "mississippi"
print(s.find("ss"), s.find("i"), s.find("ppi"), s.find(""), s.find("x"))
print(s.count("s"), s.count("ss"), s.count("issi"), s.count("i"))
print(s.replace("ss", "SS"), s.replace("i", ""), s.replace("x", "y"))
print(s.replace("issi", "_"))
print(s.startswith(""), s.endswith(""), s.startswith("mississippi!"))
print("a,b,,c,".split(","))
print("   ".strip() == "", "\t x \n".strip())
print("A1b2".upper(), "A1b2".lower())
