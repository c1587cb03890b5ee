# isfinite, isinf, isnan and float specials through math.
import math
for v in (1.0, math.inf, -math.inf, math.nan, 0.0, 10 ** 300):
    print(math.isfinite(v), math.isinf(v), math.isnan(v))
print(math.inf > 1e308, math.nan == math.nan, math.exp(-1000), math.exp(1e-10), float('inf') == math.inf)
