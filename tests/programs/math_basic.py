# math constants and the common functions on ordinary arguments.
import math
print(math.pi, math.e, math.tau, math.inf, -math.inf, math.nan)
print(math.sqrt(2), math.sqrt(1e-300), math.exp(1), math.exp(-2.5), math.log(10), math.log(0.5))
print(math.log2(1024), math.log2(3), math.log10(1000), math.log10(2), math.log(8, 2), math.log(100, 10))
print(math.pow(2, 0.5), math.pow(10, -3), math.fabs(-2.5), math.copysign(3, -0.0), math.fmod(7.5, 2), math.fmod(-7.5, 2))
