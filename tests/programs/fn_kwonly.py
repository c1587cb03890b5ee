def fetch(url, *, retries=3, timeout):
    return f"{url} r={retries} t={timeout}"


print(fetch("a", timeout=1))
print(fetch("b", timeout=2, retries=0))


def tag(*names, sep="-"):
    return sep.join(names)


print(tag("x", "y", "z"), tag("p", "q", sep="+"), repr(tag()))
