# Big ints as dict keys: equal values hash equal, whatever their origin.
d = {}
for i in range(60, 70):
    d[2 ** i] = i
print(d[2 ** 65], d[2 ** 66 // 2], 2 ** 64 * 2 in d, 2.0 ** 64 in d, len(d))
d[10 ** 20] = 'x'
d[int('100000000000000000000')] = 'y'
print(d[10 ** 20], len(d))
