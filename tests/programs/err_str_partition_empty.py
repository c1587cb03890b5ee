# partition with an empty separator raises ValueError.
print("a b".partition(" "))
print("ab".partition(""))
