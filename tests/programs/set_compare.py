# Subset and superset comparisons, equality across set and frozenset, membership.
a, b = {1, 2}, {1, 2, 3}
print(a < b, a <= b, b > a, b >= a, a < a, a <= a, a > b, a == b, a != b)
print({1} == frozenset([1]), {1, 2} == {2, 1}, {1} == [1], set() == frozenset())
print(a.issubset(b), b.issuperset([1]), a.issubset([1]), a.isdisjoint({3}), a.isdisjoint([2]))
print(2 in a, 5 not in a, 2.0 in a, (1, 2) in {(1, 2)})
