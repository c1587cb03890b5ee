# Integer modulo by zero.
xs = [3, 2, 1, 0]
for d in xs:
    print(100 % d)
print("unreachable")
