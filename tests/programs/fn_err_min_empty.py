def k(x):
    return x


print(min([3, 1], key=k))
min([], key=k)
