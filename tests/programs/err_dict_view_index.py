# A dict view is not subscriptable.
k = {1: 2}.keys()
print(k)
print(k[0])
