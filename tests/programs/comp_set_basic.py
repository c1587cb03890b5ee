print({x % 4 for x in range(20)})
print(sorted({c for c in "mississippi"}))
print({(a, b) for a in range(2) for b in range(2)} == {(0, 0), (0, 1), (1, 0), (1, 1)})
print(len({w.lower() for w in ["A", "a", "B"]}))
