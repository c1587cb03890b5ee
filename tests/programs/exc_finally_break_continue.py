# break and continue leaving a try/finally run the finally body
out = []
for i in range(6):
    try:
        if i % 2:
            continue
        if i == 4:
            break
        out.append(i)
    finally:
        out.append(-i)
print(out)
n = 0
while True:
    try:
        n += 1
        if n == 3:
            break
    finally:
        print("fin", n)
print("n", n)
