# Integer floor division by zero is an uncaught ZeroDivisionError.
a = 10
for b in [5, 2, 1]:
    print(a, "//", b, "=", a // b)
b = 0
print("about to divide")
print(a // b)
print("unreachable")
