# float ** float: the interpreter's fast path (positive finite base, finite
# exponent) and every case that must leave it.
import math

print(2.0 ** 0.5, 10.0 ** -2.0, 0.5 ** 2000.0, 1e-300 ** 2.0)
print(3.7 ** 1.3, 1e10 ** 0.1, 0.9 ** 1e5)
print(1.0 ** float("nan"), float("inf") ** 0.5, float("inf") ** -0.5)
print(4.0 ** float("inf"), 0.25 ** float("inf"), 4.0 ** float("-inf"))
print(0.0 ** 2.0, (-0.0) ** 3.0, (-2.0) ** 3.0, (-2.0) ** -2.0)
print(float("nan") ** 0.0, math.isnan(float("nan") ** 2.0))
xs = [1.5, 2.5, 3.5]
t = 0.0
for x in xs:
    t += x ** 1.5
print(t)
for a, b in [(2.0, 1e308), (1e300, 2.0), (0.0, -1.0)]:
    try:
        print(a ** b)
    except (OverflowError, ZeroDivisionError, ValueError) as e:
        print(type(e).__name__)
