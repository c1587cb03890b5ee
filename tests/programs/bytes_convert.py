# bytes() constructors, str.encode, bytes.decode (UTF-8), hex, count, find.
print(bytes([65, 66, 67]), bytes(3), bytes('é', 'utf-8'), bytes(b'q'), bytes(), bytes(range(3)))
print('é'.encode(), 'héllo'.encode('utf-8'), b'\xc3\xa9'.decode('utf-8'), b'AB'.decode(), b'ab\xff'.hex())
print(b'abcabc'.count(b'bc'), b'abcabc'.count(97), b'abc'.find(b'c'), b'abc'.find(120))
