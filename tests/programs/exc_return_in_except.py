# return from an except block, and from nested blocks with finally
def f(d, k):
    try:
        return d[k]
    except KeyError:
        return "default"
    finally:
        print("lookup", k)

print(f({"a": 1}, "a"))
print(f({}, "b"))
