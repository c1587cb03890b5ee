# Tuples: literals, indexing, len, in, equality.
t = (1, "two", 3.0)
print(t, len(t))
print(t[0], t[1], t[-1])
print("two" in t, 4 in t, 4 not in t)
print((), (1,), (1, 2))
print(t == (1, "two", 3.0), t != (1, "two"), (1, 2) == [1, 2])
single = (5,)
print(single, len(single), single[0])
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0])
print(tuple([1, 2, 3]), tuple("ab"), tuple(()))
u = 1, 2, 3
print(u)
for x in t:
    print(x)
