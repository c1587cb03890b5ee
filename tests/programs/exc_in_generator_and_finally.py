# exceptions raised inside a generator propagate to the consumer; finally
# blocks in the consumer run
def gen():
    yield 1
    yield 2
    raise ValueError("from generator")

def consume():
    got = []
    try:
        for x in gen():
            got.append(x)
    except ValueError as e:
        got.append(str(e))
    finally:
        got.append("done")
    return got

print(consume())
