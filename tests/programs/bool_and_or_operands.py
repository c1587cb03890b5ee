# and/or return one of their operands and short-circuit.
print(1 and 2, 0 and 2, 1 or 2, 0 or 2)
print("" or "default", "set" or "default")
print(None or [], [] or None, [] and 5, [1] and 5)
print(0 or 0.0 or "" or None)
print(1 and "a" and [1] and 3.5)


def loud(v):
    print("evaluated", v)
    return v


print(loud(0) and loud(1))
print(loud(1) or loud(2))
print(loud(1) and loud(0) and loud(2))
print(loud(0) or loud("") or loud("x"))
x = None
name = x or "anon"
print(name)
print(not 1 or 2, not (1 or 2))
print(True and False or True, False or True and False)
