# from math import ..., and import math as m.
from math import sqrt, pi, floor
import math as m
print(sqrt(16), pi, floor(-0.5), m.cos(0), m.e)
