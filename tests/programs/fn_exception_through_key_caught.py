def bad_key(v):
    if v == 3:
        raise ValueError("no threes")
    return -v


for attempt in range(3):
    try:
        print(sorted([1, 2, 3, 4], key=bad_key))
    except ValueError as e:
        print("caught:", e)
print(sorted([1, 2, 4], key=bad_key))


def gen_key(v):
    return sum(x for x in range(v))


print(sorted([5, 1, 3], key=gen_key))
try:
    list(map(lambda v: 1 // v, [1, 0]))
except ZeroDivisionError as e:
    print("map raised:", e)
print(list(map(lambda v: v * 2, [1, 2])))
