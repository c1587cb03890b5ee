def risky(vals):
    for v in vals:
        yield 10 // v


g = risky([1, 2, 0, 5])
print(next(g), next(g))
try:
    next(g)
except ZeroDivisionError as e:
    print("caught", e)
print(next(g, "finished after error"))


def guarded(vals):
    for v in vals:
        try:
            yield 10 // v
        except ZeroDivisionError:
            yield "div0"


print(list(guarded([5, 0, 2])))
