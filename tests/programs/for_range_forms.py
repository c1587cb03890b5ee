# for over the three forms of range.
for i in range(5):
    print(i, end=" ")
print()
for i in range(2, 7):
    print(i, end=" ")
print()
for i in range(0, 20, 5):
    print(i, end=" ")
print()
for i in range(10, 0, -3):
    print(i, end=" ")
print()
for i in range(5, 5):
    print("never")
for i in range(5, 0):
    print("never")
for i in range(-3, 3, 2):
    print(i, end=" ")
print()
print(list(range(0)), list(range(3)), list(range(-2, 2)))
s = 0
for i in range(1, 101):
    s += i
print(s)
n = 3
for i in range(n):
    n = 10
    print(i, end=" ")
print(n)
