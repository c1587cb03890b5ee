def opts(**kw):
    return kw


print(opts())
print(opts(a=1, b="two"))


def mixed(a, b=2, *args, c=3, **kw):
    print(a, b, args, c, sorted(kw.items()))


mixed(1)
mixed(1, 5, 6, 7, c=8, z=9, y=10)
mixed(a=0, zz=1)
