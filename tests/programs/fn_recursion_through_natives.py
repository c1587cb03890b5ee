def viamap(n):
    return n if n == 0 else list(map(viamap, [n - 1]))[0]


def viagen(n):
    return n if n == 0 else sum(viagen(k) for k in [n - 1])


print(viamap(30), viagen(30))
try:
    viamap(100000)
except RecursionError as e:
    print("RecursionError", e)
try:
    viagen(100000)
except RecursionError as e:
    print("RecursionError", e)
print(sorted([3, 1, 2], key=lambda v: sorted([v], key=lambda w: max([w], key=lambda z: -z))[0]))
