# zip(..., strict=True) and its ValueErrors, dict.fromkeys.
print(list(zip([1, 2], "ab", strict=True)))
print(list(zip(strict=True)), list(zip([], [], strict=True)), list(zip([1], strict=True)))
print(list(zip([1, 2, 3], "abcd", strict=False)), list(zip(range(3), range(5), strict=0)))
cases = [
    ([1, 2, 3], [1, 2]),
    ([1, 2], [1, 2, 3]),
    ([1, 2], [1, 2], [1]),
    ([1, 2], [1, 2], [1, 2, 3]),
    ([1], [1], [1], []),
    ([], [], [], [1]),
]
for args in cases:
    try:
        print(list(zip(*args, strict=True)))
    except ValueError as e:
        print("ValueError:", e)


def gen(n):
    for i in range(n):
        yield i
    print("gen", n, "done")


try:
    for pair in zip(gen(2), gen(3), strict=True):
        print(pair)
except ValueError as e:
    print("ValueError:", e)
z = zip("ab", "xy", strict=True)
print(next(z), next(z), next(z, "end"))
try:
    zip([1], bad=True)
except TypeError as e:
    print("TypeError:", e)


class Flag:
    def __bool__(self):
        print("bool called")
        return True


try:
    list(zip([1], [], strict=Flag()))
except ValueError as e:
    print("ValueError:", e)

print(dict.fromkeys("abc"), dict.fromkeys([1, 2, 1], 0), dict.fromkeys(range(3), []))
d = dict.fromkeys(["x", "y"], [])
d["x"].append(1)
print(d, dict.fromkeys(()), dict.fromkeys(gen(2), "g"))
f = dict.fromkeys
print(f("ab", 1))
try:
    dict.fromkeys()
except TypeError as e:
    print("TypeError:", e)
try:
    dict.fromkeys([1], 2, 3)
except TypeError as e:
    print("TypeError:", e)
try:
    dict.fromkeys([[1]])
except TypeError as e:
    print("TypeError:", e)
try:
    dict.fromkeys(5)
except TypeError as e:
    print("TypeError:", e)
