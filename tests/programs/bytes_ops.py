# bytes concatenation, repetition, membership, comparison, hashing, truth.
print(b'ab' + b'cd', b'ab' * 3, 2 * b'z', b'x' in b'xyz', 104 in b'hello', b'a' < b'b', b'ab' < b'a', b'abc' == b'abc')
print({b'k': 1}[b'k'], bool(b''), bool(b'0'), sorted([b'b', b'a', b'ab']), b'ab' != 'ab')
