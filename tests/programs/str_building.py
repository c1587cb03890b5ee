# Building strings in loops.
row = ""
i = 1
while i <= 9:
    row = row + str(i * i) + " "
    i += 1
print(row.strip())
parts = []
for w in ["alpha", "beta", "gamma"]:
    parts.append(w.upper())
print("/".join(parts))
triangle = ""
for i in range(1, 5):
    triangle += " " * (4 - i) + "*" * (2 * i - 1) + "\n"
print(triangle, end="")
acc = ""
for ch in "compiler":
    if ch not in acc:
        acc += ch
print(acc)
