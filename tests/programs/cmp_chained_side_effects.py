# Chained comparisons evaluate the middle operand only once.
calls = 0


def mid(v):
    global calls
    calls += 1
    print("mid called with", v)
    return v


print(1 < mid(2) < 3)
print(calls)
print(5 < mid(2) < 3)
print(calls)
print(1 < mid(5) < 3)
print(calls)
print(1 < 2 < 3 < 4 < 5)
print(1 < 2 < 3 > 4)
