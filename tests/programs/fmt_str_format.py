# str.format: automatic, numbered and named fields, indexes, conversions, escapes.
print("{} {}".format(1, 2), "{1} {0} {1}".format("a", "b"), "{x}-{y}".format(x=1, y=[2]))
print("{0[1]} {k[0]} {0[0][0]}".format([[5], 6], k=(7,)), "{{}} {{{}}}".format(7))
print("{!r} {!s} {!a}".format("q", "w", "e"), "{0!r:>10}|".format("z"), "{:>6}|".format(True))
