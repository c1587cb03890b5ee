def selfish():
    yield next(g)


g = selfish()
next(g)
