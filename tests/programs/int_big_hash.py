# hash() of ints and floats follows CPython's modulus 2**61 - 1 scheme.
for v in (0, 1, -1, -2, 2 ** 61 - 2, 2 ** 61 - 1, 2 ** 61, 2 ** 64, -(2 ** 64), 10 ** 30, -(10 ** 30) + 7):
    print(v, hash(v))
for f in (0.5, -0.5, 1.5, 3.25, 1e100, -2.5e-10, 1e20, float('inf'), float('-inf'), 2.0 ** 70):
    print(f, hash(f))
print(hash(2 ** 70) == hash(2.0 ** 70), hash(True), {2 ** 70: 1}[2.0 ** 70])
