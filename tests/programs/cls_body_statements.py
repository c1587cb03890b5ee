# Class bodies with any statements: loops, conditions, expressions,
# augmented assignments, unpacking, comprehensions, try, imports from modules.
DEBUG = False


class Table:
    """A docstring first."""
    squares = []
    for i in range(5):
        squares.append(i * i)
    if DEBUG:
        mode = "debug"
    elif len(squares) > 3:
        mode = "big"
    else:
        mode = "small"
    total = sum(squares)
    total += 100
    lo, hi = min(squares), max(squares)
    doubled = [s * 2 for s in squares]
    lookup = {s: k for k, s in enumerate(squares)}
    print("in the body:", mode, total)
    while total > 100:
        total -= 7
    try:
        bad = 1 // 0
    except ZeroDivisionError:
        bad = None
    from math import sqrt
    root = sqrt(total)
    names = []
    for k in ("a", "b"):
        if k == "b":
            break
        names.append(k)
    else:
        names.append("no break")
    del_me = 1
    assert total > 0, "positive"

    def get(self):
        return self.total


print(Table.squares, Table.mode, Table.total, Table.lo, Table.hi, Table.i, Table.k)
print(Table.doubled, Table.lookup, Table.bad, Table.root, Table.names, Table().get())


def local_table(n):
    class T:
        rows = [r * n for r in range(3)]
        if n > 1:
            kind = "many"
        else:
            kind = "one"
        for r in rows:
            last = r
    return T


t = local_table(3)
print(t.rows, t.kind, t.last, local_table(1).kind)
