# Float accumulation: harmonic series, compound interest, averages.
h = 0.0
for i in range(1, 1001):
    h += 1.0 / i
print(h)
balance = 1000.0
for year in range(10):
    balance = balance * 1.05
print(balance)
print(f"{balance:.2f}")
vals = [2.5, 3.75, 1.125, 8.0]
print(sum(vals) / len(vals))
x = 1.0
n = 0
while x != 0.0:
    x = x / 2
    n += 1
print(n)
y = 1.0
while 1.0 + y != 1.0:
    y = y / 2
print(y)
print(0.1 * 3, 0.3, 0.1 * 3 == 0.3)
print(1e308 * 10, -1e308 * 10)
