def show(*args, **kwargs):
    return f"{args} {sorted(kwargs.items())}"


print(show())
print(show(1, *[2, 3], 4, *(5,)))
print(show(a=1, **{"b": 2}, c=3, **{"d": 4}))
print(show(*range(2), x=0, *"ab"))
t = (1, 2)
d = {"k": "v"}
print(show(*t, **d))
m = [3, 1, 2]
m.sort(**{"reverse": True})
print(m)
