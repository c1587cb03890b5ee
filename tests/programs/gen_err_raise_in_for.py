def bad():
    yield 1
    raise ValueError("broken generator")


for v in bad():
    print(v)
