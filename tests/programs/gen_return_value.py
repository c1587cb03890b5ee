def g():
    yield 1
    yield 2
    return "finished"


def outer():
    result = yield from g()
    yield result


print(list(outer()))
it = g()
print(next(it), next(it))
print(next(it, "exhausted"))
