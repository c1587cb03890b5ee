# center, ljust, rjust, zfill.
print(repr("ab".center(7, "*")), repr("ab".center(6)), repr("abc".center(6)), repr("abc".center(2)))
print("ab".ljust(5, "-") + "|", "ab".rjust(5) + "|", "ab".ljust(1), "é".rjust(3, "·"))
print("42".zfill(5), "-42".zfill(6), "+x".zfill(4), "abc".zfill(2), "".zfill(3))
