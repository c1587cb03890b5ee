# True division of ints by zero.
n = 7
d = 2
print(n / d)
d -= 2
print(n / d)
