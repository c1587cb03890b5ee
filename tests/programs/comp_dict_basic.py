print({x: x * x for x in range(5)})
words = ["apple", "bob", "cat", "apple"]
print({w: len(w) for w in words})
print({k: v for k, v in [("a", 1), ("b", 2)] if v > 1})
inv = {v: k for k, v in {"x": 1, "y": 2}.items()}
print(inv)
print({i: [j for j in range(i)] for i in range(3)})
