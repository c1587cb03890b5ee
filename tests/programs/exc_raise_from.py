# raise X from Y sets __cause__; the traceback shows both
def parse(s):
    try:
        return int(s)
    except ValueError as e:
        raise RuntimeError("cannot parse " + s) from e

try:
    parse("zz")
except RuntimeError as e:
    print(e, "| cause:", repr(e.__cause__), e.__suppress_context__)
parse("q")
