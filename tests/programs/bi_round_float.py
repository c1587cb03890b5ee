# round() of floats: ties to even, exact decimal rounding with ndigits (as CPython).
print(round(2.5), round(3.5), round(-2.5), round(0.5), round(-0.5), round(1.5, None), type(round(2.0)).__name__)
print(round(2.675, 2), round(1.005, 2), round(3.14159, 3), round(0.05, 1), round(0.15, 1), round(0.25, 1), round(5.5, 0))
print(round(123.456, -1), round(1450.4, -2), round(1234.5678, -2), round(2.5e-10, 12), round(0.1 + 0.2, 15), round(1e20), round(-0.0, 2))
