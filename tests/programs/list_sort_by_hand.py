# Hand-written sorting algorithms.


def bubble_sort(xs):
    n = len(xs)
    i = 0
    while i < n:
        j = 0
        while j < n - 1 - i:
            if xs[j] > xs[j + 1]:
                xs[j], xs[j + 1] = xs[j + 1], xs[j]
            j += 1
        i += 1
    return xs


def insertion_sort(xs):
    for i in range(1, len(xs)):
        key = xs[i]
        j = i - 1
        while j >= 0 and xs[j] > key:
            xs[j + 1] = xs[j]
            j -= 1
        xs[j + 1] = key
    return xs


def merge_sort(xs):
    if len(xs) <= 1:
        return xs
    mid = len(xs) // 2
    left = merge_sort(xs[0:mid])
    right = merge_sort(xs[mid:len(xs)])
    out = []
    i = 0
    j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    while i < len(left):
        out.append(left[i])
        i += 1
    while j < len(right):
        out.append(right[j])
        j += 1
    return out


def quick_sort(xs):
    if len(xs) <= 1:
        return xs
    pivot = xs[0]
    less = []
    more = []
    for x in xs[1:len(xs)]:
        if x < pivot:
            less.append(x)
        else:
            more.append(x)
    return quick_sort(less) + [pivot] + quick_sort(more)


data = [38, 27, 43, 3, 9, 82, 10, -5, 27, 0]
print(bubble_sort(list(data)))
print(insertion_sort(list(data)))
print(merge_sort(list(data)))
print(quick_sort(list(data)))
print(sorted(data))
print(data)
seed = 12345
big = []
for i in range(300):
    seed = (seed * 1103515245 + 12345) % 2147483648
    big.append(seed % 1000)
print(merge_sort(big) == sorted(big), quick_sort(big) == sorted(big), bubble_sort(list(big)) == sorted(big))
print(sorted(big)[0:10])
