# bytes + str is a TypeError.
print(b'a' + b'b')
print(b'a' + 'b')
