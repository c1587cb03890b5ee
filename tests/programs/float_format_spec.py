# f-string float format specs.
pi = 3.14159265
print(f"{pi:.3f}")
print(f"{pi:8.2f}|")
print(f"{pi:.0f}")
print(f"{2.5:.0f} {3.5:.0f}")
print(f"{-1.005:.2f}")
print(f"{100:.2f}")
print(f"{0.0:.1f}")
print(f"{1e10:.1f}")
i = 1
while i <= 5:
    print(f"{i:3} {1 / i:8.4f}")
    i += 1
