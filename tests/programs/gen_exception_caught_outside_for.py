def items():
    yield 1
    yield 2
    raise KeyError("boom")


def consume():
    got = []
    try:
        for x in items():
            got.append(x)
    except KeyError as e:
        got.append(("caught", str(e)))
    return got


print(consume())
g = items()
print(list(zip([0, 0], [next(g), next(g)])) if False else [next(g), next(g)])
try:
    next(g)
except KeyError:
    print("raised once")
print(next(g, "finished"))
