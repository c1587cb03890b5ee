# floor/ceil/trunc return ints; gcd, isqrt, factorial, comb, perm are exact.
import math
print(math.floor(2.5), math.ceil(2.5), math.trunc(-2.5), math.floor(-2.5), math.ceil(-2.5), math.floor(7), math.ceil(True))
print(math.floor(1e20), math.ceil(-1.5e25), type(math.floor(2.0)).__name__)
print(math.gcd(12, 18), math.gcd(0, 0), math.gcd(-4, 6, 10), math.gcd(2 ** 80, 6 ** 40), math.gcd())
print(math.isqrt(0), math.isqrt(99), math.isqrt(10 ** 40), math.isqrt(2 ** 127 - 1), math.factorial(0), math.factorial(30))
print(math.comb(10, 3), math.comb(5, 7), math.comb(100, 50), math.perm(10, 3), math.perm(5), math.perm(4, 0))
