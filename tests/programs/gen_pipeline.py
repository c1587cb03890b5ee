def read(lines):
    for line in lines:
        yield line.strip()


def non_empty(items):
    for s in items:
        if s:
            yield s


def numbered(items):
    n = 0
    for s in items:
        n += 1
        yield f"{n}: {s}"


for row in numbered(non_empty(read(["  a ", "", " b", "   ", "c"]))):
    print(row)
print(list(map(len, non_empty(["x", "", "yy"]))))
