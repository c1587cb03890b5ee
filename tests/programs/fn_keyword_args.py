def box(w, h, d):
    return f"{w}x{h}x{d}"


print(box(1, 2, 3))
print(box(d=3, h=2, w=1))
print(box(1, d=9, h=4))


def total(a, b=10, c=100):
    return a + b + c


print(total(1, c=0), total(a=5), total(1, 2, c=3))
