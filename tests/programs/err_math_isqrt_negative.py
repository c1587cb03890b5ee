# isqrt of a negative number is a ValueError.
import math
print(math.isqrt(17))
print(math.isqrt(-1))
