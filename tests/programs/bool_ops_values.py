# bool is an int subtype in arithmetic; bool() conversions.
print(True + 1, False * 10, True / 2, -True)
print(True == 1, False == 0, True is True, False is not True)
print(bool(1), bool(-3), bool(0), bool(0.1), bool("False"), bool(None))
print(str(True), repr(False), int(True) + int(False))
print([True, False], (True,), {True: "t"})
print(True and 3, False or 3)
count = 0
for b in [True, False, True, True]:
    count += b
print(count)
print(sum([True, True, False]))
print(max(True, False), min(True, 2))
