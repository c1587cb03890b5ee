# Basic integer arithmetic operators.
a = 17
b = 5
print(a + b, a - b, a * b)
print(a // b, a % b)
print(a / b)
print(2 ** 10, 3 ** 0, 7 ** 1)
print(-a, +a, ~a, ~0, ~-1)
print(a + b * 2 - 3)
print((a + b) * (a - b))
print(100 - 1 - 2 - 3)
print(2 ** 3 ** 2)
print(-2 ** 2)
print((-2) ** 3)
print(10 // 3 * 3 + 10 % 3)
