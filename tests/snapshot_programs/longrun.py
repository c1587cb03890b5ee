# A long-running deterministic program for migration tests: output all along,
# a large live heap (a table of ~1 MB that keeps changing) and deep recursion
# in flight (the work happens 150 frames down).
table = {}
for k in range(6000):
    table[k] = [k, str(k) * 3, (k, -k)]


def churn(depth, step):
    if depth > 0:
        return churn(depth - 1, step) + 1
    total = 0
    for k in range(0, 6000, 7):
        row = table[(k + step) % 6000]
        total += row[0] + len(row[1])
        table[(k * 13 + step) % 6000] = [row[0], row[1], (step, k)]
    return total


for step in range(12000):
    print(step, churn(150, step), len(table), table[step % 6000][2])
print("done")
