# 0/1 knapsack by dynamic programming.
weights = [12, 7, 11, 8, 9, 5, 3, 14]
values = [24, 13, 23, 15, 16, 9, 5, 30]
cap = 40
best = [0] * (cap + 1)
for i in range(len(weights)):
    w = weights[i]
    v = values[i]
    c = cap
    while c >= w:
        if best[c - w] + v > best[c]:
            best[c] = best[c - w] + v
        c -= 1
print(best)
print("best value", best[cap])
