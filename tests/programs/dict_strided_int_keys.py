# Int keys sharing their low bits (multiples of a power of two) stay fast and
# correct: insertion, lookup, deletion, re-insertion, iteration order.
d = {}
for i in range(20000):
    d[i * 65536] = i
print(len(d), d[65536 * 19999], 65536 * 5 in d, 65537 in d)
for i in range(0, 20000, 2):
    del d[i * 65536]
print(len(d), list(d)[:3], sum(d.values()))
for i in range(0, 20000, 4):
    d[i * 65536] = -i
print(len(d), list(d)[-3:], d.get(4 * 65536), d.get(2 * 65536, "gone"))
neg = {}
for k in range(5):
    neg[-(1 << 40) * k] = k
print(neg)
