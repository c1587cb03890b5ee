# An error raised deep inside a recursion propagates to the top.


def descend(n, xs):
    if n == 0:
        return xs[len(xs)]
    return descend(n - 1, xs) + 1


print("start")
print(descend(40, [1, 2, 3]))
