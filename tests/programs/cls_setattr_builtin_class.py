# built-in classes are immutable
try:
    ValueError.extra = 1
except TypeError as e:
    print(e)
class Mine(ValueError):
    pass
Mine.extra = 2
print(Mine.extra)
