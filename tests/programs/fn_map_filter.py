def square(x):
    return x * x


def add(a, b):
    return a + b


def is_even(n):
    return n % 2 == 0


print(list(map(square, range(5))))
print(list(map(add, [1, 2, 3], [10, 20])))
print(list(filter(is_even, range(10))))
print(list(filter(None, [0, "", "a", 3, None, []])))
m = map(square, [2, 3])
for v in m:
    print(v)
print(list(m))
print(sum(map(square, range(4))), tuple(map(str, [1, 2])))
