# float ** float with fractional exponents, int ** negative int, and 0 ** 0.
print(2.0 ** 0.5, 10 ** 0.5, 2 ** -1, 10 ** -2, 0.5 ** 10.5, 1.1 ** 100, 8 ** (1 / 3), 1e10 ** 0.25)
print(0.0 ** 0, 0 ** 0.0, (-2.0) ** 3, (-8) ** -1, 1.0 ** float('inf'), 2 ** 0.5 * 2 ** 0.5, 100 ** 1.5)
