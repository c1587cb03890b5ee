# Floor division and modulo of big ints of every sign combination.
a = 3 ** 80
b = 7 ** 20 + 12345
for x in (a, -a):
    for y in (b, -b, 97, -97):
        print(x // y, x % y, divmod(x, y))
print((a * b + 17) // b == a, (a * b + 17) % b)
print(10 ** 40 // 10 ** 20, 10 ** 40 % (10 ** 20 - 1))
