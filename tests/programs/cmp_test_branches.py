# Conditions with one comparison compile to compare-and-test instructions:
# every operator, with registers and small immediates, ints, floats, strings.
nan = float("nan")
vals = [-129, -128, -1, 0, 1, 2, 127, 128, 2.5, -0.0, nan, True]
for v in vals:
    out = []
    if v < 2: out.append("<2")
    if v <= 2: out.append("<=2")
    if v > -1: out.append(">-1")
    if v >= 127: out.append(">=127")
    if v == 0: out.append("==0")
    if v != 1: out.append("!=1")
    if not v < 0: out.append("not<0")
    w = 1.0
    if v < w: out.append("<w")
    if v == w: out.append("==w")
    if v != w: out.append("!=w")
    print(v, out)
i = 0
while i != 10:
    i += 3 if i < 6 else 1
print(i)
n = 5
n -= -3
n += -2
print(n, n - 128, n + 127, n - -128)
for a, b in [("a", "b"), ("b", "a"), ("a", "a")]:
    print(a < b, "lt" if a < b else "ge", "eq" if a == b else "ne")
if "x" < 3:
    print("unreachable")
