# Trigonometric functions and their inverses.
import math
for x in (0.0, 0.5, 1.0, 2.0, -1.25, 3.0, 10.0, 100.0):
    print(x, math.sin(x), math.cos(x), math.tan(x), math.atan(x))
for x in (-1.0, -0.5, 0.0, 0.3, 1.0):
    print(math.asin(x), math.acos(x))
print(math.atan2(1, 1), math.atan2(-1, -1), math.atan2(0.0, -1.0), math.atan2(-0.0, -1.0), math.atan2(1, 0), math.atan2(math.inf, math.inf))
print(math.degrees(math.pi), math.radians(90), math.hypot(3, 4), math.hypot(1e300, 1e300), math.hypot(1, 2, 3))
