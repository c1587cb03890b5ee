# catching something that is not an exception class is a TypeError
try:
    try:
        1 / 0
    except 42:
        pass
except TypeError as e:
    print(e)
