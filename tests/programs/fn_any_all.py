def positive(x):
    return x > 0


print(any([]), all([]))
print(any([0, 0, 3]), all([1, 2, 0]))
print(any(map(positive, [-1, -2])), all(map(positive, [1, 2])))
seen = []


def track(x):
    seen.append(x)
    return x > 2


print(any(map(track, [1, 2, 3, 4, 5])), seen)
