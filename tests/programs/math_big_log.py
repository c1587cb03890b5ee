# math.log of ints too large for a float.
import math
print(math.log(2 ** 2000), math.log10(10 ** 500), math.log2(2 ** 3000), math.log(10 ** 400, 10))
