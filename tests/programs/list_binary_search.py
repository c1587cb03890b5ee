# Binary search over a sorted list.


def bsearch(xs, target):
    lo = 0
    hi = len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == target:
            return mid
        elif xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def lower_bound(xs, target):
    lo = 0
    hi = len(xs)
    while lo < hi:
        mid = (lo + hi) // 2
        if xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


xs = []
for i in range(0, 100, 3):
    xs.append(i)
print(xs)
for t in [0, 3, 4, 51, 99, 100, -1]:
    print(t, bsearch(xs, t), lower_bound(xs, t))
