# for loops with break/continue, nested.
found = None
for x in [4, 8, 15, 16, 23, 42]:
    if x % 2 == 1:
        found = x
        break
print("first odd", found)
odds = []
for x in range(20):
    if x % 2 == 0:
        continue
    odds.append(x)
print(odds)
for i in range(1, 4):
    for j in range(1, 4):
        if j > i:
            break
        if j == 2:
            continue
        print(i, j)
for ch in "abcdef":
    if ch == "d":
        break
    print(ch, end="")
print()
last = -1
for i in range(5):
    last = i
print("loop var after loop", last, i)
