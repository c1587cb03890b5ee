# Iterating, sorting and converting sets.
s = {9, 4, 16, 1, 25}
for x in s:
    print(x, end=' ')
print()
print(sorted(s), list(s), tuple(s), sum(s), max(s), min(s), len(s))
print(set('mississippi') == set('misp'), sorted(set('hello world')))
print(set({1: 'a', 2: 'b'}), set(range(5)), set([3, 3, 3]), set((1, 2)))
print(bool(set()), bool({0}), sorted({3, 1}))
