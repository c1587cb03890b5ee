# Set displays iterate in CPython's order (hash table order), constants or not.
a = 3
print({3, 1, 2, 10, 100, -5, 7})
print({a, 1, a * 10, -a, 64, 32})
print({-1, -2, -3, 0, 2 ** 61, 2 ** 62})
print({(1, 2), (3, 4), (0, 0), (2, 1)})
print({1.5, 0.25, 3.0, 2, True})
print(set(), {0}, len({1, 1, 1.0, True}))
