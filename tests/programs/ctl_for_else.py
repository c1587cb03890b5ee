# for ... else: the else block runs when the loop ends without break
def find(xs, target):
    for i, x in enumerate(xs):
        if x == target:
            print("found", target, "at", i)
            break
    else:
        print("not found", target)
        return -1
    return i


print(find([3, 1, 4, 1, 5], 4))
print(find([3, 1, 4, 1, 5], 9))
print(find([], 1))

# else after a loop with continue
for n in range(2, 20):
    for d in range(2, n):
        if n % d == 0:
            break
    else:
        print(n, "is prime")
        continue
    print(n, "=", d, "*", n // d)

# break inside else belongs to the outer loop
for outer in range(3):
    for inner in []:
        pass
    else:
        if outer == 1:
            print("breaking outer in else")
            break
    print("outer", outer)
else:
    print("never printed")

# generator iterator, else after exhaustion
def gen():
    yield 1
    yield 2

total = 0
for v in gen():
    total += v
else:
    total *= 10
print(total)

# else with return inside try/finally in the loop
def g():
    for x in range(3):
        try:
            if x == 5:
                break
        finally:
            print("finally", x)
    else:
        return "else"
    return "broke"

print(g())

# module level, else sees the loop variable
for k in "abc":
    pass
else:
    print("last", k)
