print([x for x in range(5)])
print([x * 2 for x in [1, 2, 3] if x != 2])
print([c.upper() for c in "abc"])
print([(a, b) for a in range(3) for b in "xy"])
print([[j for j in range(i)] for i in range(4)])
words = ["hello", "world", "hi"]
print([w for w in words if w.startswith("h") if len(w) > 2])
print([len(w) for w in words])
