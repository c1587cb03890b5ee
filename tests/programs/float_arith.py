# Float arithmetic.
a = 1.5
b = 0.25
print(a + b, a - b, a * b, a / b)
print(a // b, a % b)
print(-a, +a, abs(-a))
print(7.5 // 2, 7.5 % 2, -7.5 // 2, -7.5 % 2)
print(7.5 // -2, 7.5 % -2)
print(1.0 / 3.0)
print(2.0 / 3.0)
print(10.0 / 4)
print(1e3 * 1e3)
total = 0.0
i = 0
while i < 10:
    total += 0.1
    i += 1
print(total)
print(total == 1.0)
print(3.0 * 1.1)
