# math.log of zero is a domain error.
import math
print(math.log(1))
print(math.log(0))
