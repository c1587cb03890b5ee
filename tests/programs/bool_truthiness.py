# Truthiness of every value type.
values = [0, 1, -1, 0.0, -0.0, 0.5, "", "a", " ", [], [0], [[]], {}, {"k": 0}, (), (0,), None, True, False]
for v in values:
    if v:
        print(repr(v), "truthy", bool(v))
    else:
        print(repr(v), "falsy", bool(v))
print(not [], not [1], not "", not None, not 0.0)
n = 3
while n:
    print("n =", n)
    n -= 1
s = "abc"
while s:
    print(s)
    s = s[1:len(s)]
