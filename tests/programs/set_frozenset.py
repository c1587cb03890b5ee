# frozenset: hashable, usable as a key and set member, operators keep the left type.
f = frozenset([3, 1, 2])
print(f, frozenset(), frozenset('a'), len(f), 2 in f)
print(f | {4}, {4} | f, f & {1, 9}, f - {1}, f ^ {1, 7})
d = {f: 'x', frozenset(): 'empty'}
print(d[frozenset([1, 2, 3])], d[frozenset()])
print({f, frozenset([1, 2, 3])}, hash(frozenset()) == hash(frozenset()), f.copy() is f)
print(hash(frozenset([1, 2])) == hash(frozenset([2, 1])), f.union([5]), f.issubset(range(5)))
