# factorial of a negative number is a ValueError.
import math
print(math.factorial(5))
print(math.factorial(-1))
