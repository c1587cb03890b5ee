# String comparison is by code point; repetition by int.
print("abc" < "abd", "Z" < "a", "é" > "z", "ab" < "abc", "b" > "abc", "" < "a")
print("ab" * 3, 3 * "x", "" * 5, "x" * 0, "x" * -1, sorted(["b", "A", "a", "é", "B"]))
print(max("apple", "pear"), min(["b", "ab", "abc"]), "abc" == "ab" + "c", "a" != "a")
