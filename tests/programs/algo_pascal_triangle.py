# Pascal's triangle.
row = [1]
for i in range(12):
    print(row)
    nxt = [1]
    for j in range(1, len(row)):
        nxt.append(row[j - 1] + row[j])
    nxt.append(1)
    row = nxt
r = [1]
for i in range(60):
    n = [1]
    for j in range(1, len(r)):
        n.append(r[j - 1] + r[j])
    n.append(1)
    r = n
print(max(r))
