# f-strings with simple fields and !r.
name = "Drift"
n = 3
f = 2.5
print(f"{name} has {n} parts and weight {f}")
print(f"{name!r} {n!r} {f!r}")
print(f"{None} {True} {False}")
print(f"{[1, 'a']} {(1, 2)} {{'braces'}}")
print(f"{n + 1} {n * n} {name + '!'}")
s = "it's"
print(f"{s!r}")
print(f"start{n}end")
print(f"")
print(f"{''}|{'x'}")
