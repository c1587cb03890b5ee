# except with a tuple of classes, first matching clause wins
def f(k):
    d = {"a": 1}
    items = [1, 2]
    if k == 0:
        return d["zz"]
    if k == 1:
        return items[5]
    return 1 / 0

for k in range(3):
    try:
        f(k)
    except (KeyError, IndexError) as e:
        print("lookup", type(e).__name__, e)
    except ArithmeticError as e:
        print("arith", type(e).__name__, e)
