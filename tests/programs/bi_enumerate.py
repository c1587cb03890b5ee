# enumerate with start (positional and keyword), over lists, strings and generators.
print(list(enumerate("abc")), list(enumerate([5, 6], 10)), list(enumerate([1], start=-3)))
def gen():
    yield "x"
    yield "y"
for i, v in enumerate(gen(), 1):
    print(i, v)
e = enumerate([7, 8])
print(next(e), next(e), next(e, "done"))
