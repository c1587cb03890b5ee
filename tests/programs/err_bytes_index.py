# Indexing past the end of bytes raises IndexError.
b = b'ab'
print(b[1])
print(b[2])
