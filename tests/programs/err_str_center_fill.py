# The fill character of center must be one character.
print("x".center(3, "-"))
print("x".center(5, "ab"))
