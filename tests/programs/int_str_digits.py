# str(int) at every digit-count boundary (the digit count comes from the bit
# length), both signs, and the int64 extremes.
out = []
p = 1
for k in range(19):
    for v in (p - 1, p, p + 1, 2 * p, 9 * p):
        out.append(str(v))
        out.append(str(-v))
    p *= 10
for b in range(64):
    out.append(str(2 ** b))
    out.append(str(2 ** b - 1))
    out.append(str(-(2 ** b)))
out.append(str(9223372036854775807))
out.append(str(-9223372036854775808))
out.append(str(-9223372036854775807))
print(len(out), sum(len(s) for s in out))
print(" ".join(out[:40]))
print(" ".join(out[-40:]))
print(str(0), str(-0), f"{12345}", "%d" % -99, repr(100))
