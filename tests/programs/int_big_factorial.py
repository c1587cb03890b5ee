# Factorials grow past 64 bits: exact results, str() and len of the digits.
f = 1
for i in range(1, 61):
    f *= i
    if i % 10 == 0:
        print(i, f, len(str(f)))
