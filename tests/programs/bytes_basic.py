# bytes literals, repr with escapes, len, indexing to ints, slicing, iteration.
b = b'hello\n\x00\xff"\''
print(b, len(b), b[0], b[-1], b[1:4], b[::-1], list(b'abc'), repr(b"it's"), str(b'x'), b'')
for x in b'hi':
    print(x)
