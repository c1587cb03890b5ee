# float ** float at the edges: infinities, NaN, zeros, huge exponents
# (overflow and underflow decided before the double-double product).
inf = float("inf"); nan = float("nan")
for x in [1.0, -1.0, 0.5, 2.0, inf, -inf, nan, 0.0, -0.0, 1e-300, 1e300]:
    for y in [inf, -inf, nan, 0.5, -0.5, 2.5, 1e308, -1e308, 0.0, 3.0, -3.0]:
        if x < 0 and x != -inf and y == y and y not in (inf, -inf) and y != int(y):
            continue                      # a complex result in CPython (Drift has no complex)
        try:
            print(x, y, x ** y)
        except Exception as e:
            print(x, y, type(e).__name__, e)
