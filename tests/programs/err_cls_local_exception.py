def check(v):
    class BadValue(ValueError):
        pass

    if v < 0:
        raise BadValue(f"negative: {v}")
    return v


print(check(3))
check(-2)
