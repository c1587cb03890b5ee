def show(x):
    print("evaluating", x)
    return x


g = (v * 2 for v in show([1, 2]))
print("created")
print(list(g))
try:
    (v for v in 5)
except TypeError as e:
    print("TypeError:", e)
