# partition and rpartition, found and not found.
print("k=v=w".partition("="), "k=v=w".rpartition("="))
print("abc".partition("x"), "abc".rpartition("x"), "a--b".partition("--"))
