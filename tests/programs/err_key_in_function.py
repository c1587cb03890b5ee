# KeyError with an int key, raised inside a helper called from a loop.
table = {1: "one", 2: "two"}


def lookup(k):
    return table[k]


for k in [1, 2, 3]:
    print(k, lookup(k))
