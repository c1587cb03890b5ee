# while ... else: the else block runs when the condition becomes false, not after break
i = 0
while i < 3:
    print("i", i)
    i += 1
else:
    print("done at", i)

i = 0
while i < 10:
    if i == 4:
        print("break at", i)
        break
    i += 1
else:
    print("not printed")

def search(n):
    k = 1
    while k * k <= n:
        if k * k == n:
            break
        k += 1
    else:
        return None
    return k

print(search(49), search(50), search(0))

# condition false at once: else still runs
while False:
    print("never")
else:
    print("else of while False")

# nested: continue in the inner else goes to the outer loop
n = 0
seen = []
while n < 5:
    n += 1
    m = 0
    while m < n:
        if n == 3:
            break
        m += 1
    else:
        seen.append(n)
        continue
    seen.append(-n)
print(seen)

# while True with break and an else (else never runs)
j = 0
while True:
    j += 1
    if j > 2:
        break
else:
    print("unreachable")
print("j", j)

# compound condition
a, b = 0, 10
while a < 5 and b > 7:
    a += 1
    b -= 1
else:
    print("a b", a, b)
