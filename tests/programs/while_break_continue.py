# while loops with break and continue.
i = 0
total = 0
while True:
    i += 1
    if i > 20:
        break
    if i % 3 == 0:
        continue
    total += i
print(i, total)
n = 27
steps = 0
while n != 1:
    if n % 2 == 0:
        n = n // 2
    else:
        n = 3 * n + 1
    steps += 1
print("collatz steps", steps)
i = 0
while i < 3:
    j = 0
    while j < 10:
        if j == 2:
            break
        print(i, j)
        j += 1
    i += 1
k = 10
while k > 0:
    k -= 4
print(k)
