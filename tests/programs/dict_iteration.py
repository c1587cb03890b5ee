# Iterating over dicts: keys, values, items.
prices = {"apple": 1.25, "bread": 2.5, "milk": 0.99}
for k in prices:
    print(k)
for k in prices.keys():
    print(k, end=";")
print()
for v in prices.values():
    print(v, end=";")
print()
total = 0.0
for name, price in prices.items():
    print(f"{name:>6}: {price:6.2f}")
    total += price
print(f"total {total:.2f}")
print(sum(list(prices.values())))
inv = {}
for k, v in {"a": 1, "b": 2, "c": 1}.items():
    if v in inv:
        inv[v].append(k)
    else:
        inv[v] = [k]
print(inv)
