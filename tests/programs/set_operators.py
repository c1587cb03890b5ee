# | & - ^ and the named forms, with sets and other iterables.
a = set(range(0, 30, 3))
b = set(range(0, 30, 5))
print(a | b)
print(a & b, b & a)
print(a - b, b - a)
print(a ^ b)
print(a.union([100, 101], (7,)), a.intersection(range(10)), a.difference([0, 3], {6}))
print(a.symmetric_difference([0, 1]), a.union(), a.intersection(b, {15}))
x = {1, 2}
x |= {3}
x &= {1, 3, 4}
x -= {9}
x ^= {7}
print(x)
