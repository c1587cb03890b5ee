# UnboundLocalError for plain locals read before assignment, on each kind of path
def report(f, *args):
    try:
        print(f.__name__, f(*args))
    except UnboundLocalError as e:
        print(f.__name__, "UnboundLocalError:", e)


def cond(c):
    if c:
        x = 1
    return x


def branches(c):
    if c == 1:
        y = "one"
    elif c == 2:
        y = "two"
    else:
        pass
    return y


def loop_var(xs):
    for item in xs:
        pass
    return item


def while_body(n):
    while n > 0:
        z = n
        n -= 1
    return z


def after_try(fail):
    try:
        if fail:
            raise ValueError("no")
        v = 5
    except ValueError:
        pass
    return v


def aug(c):
    if c:
        total = 10
    total += 1
    return total


def shadow():
    print("reads the local, not the global g")
    return g
    g = 1


g = 100


def in_loop_second_time(n):
    out = []
    for i in range(n):
        if i == 0:
            first = i
        out.append(first)
    return out


def nested_in_expr(c):
    if c:
        k = 3
    return [k * 2, k]


def break_paths(xs):
    for x in xs:
        if x > 2:
            found = x
            break
    else:
        return "none"
    return found


def with_lambda(c):
    if c:
        w = 2
    f = lambda: 1
    return f() + w


def unpack(c):
    if c:
        a, b = 1, 2
    return a + b


def finally_path(c):
    try:
        if c:
            return "early"
        q = 1
    finally:
        r = 2
    return q + r


for args in [(1,), (0,)]:
    report(cond, *args)
for c in (1, 2, 3):
    report(branches, c)
report(loop_var, [1, 2])
report(loop_var, [])
report(while_body, 2)
report(while_body, 0)
report(after_try, False)
report(after_try, True)
report(aug, 1)
report(aug, 0)
report(shadow)
report(in_loop_second_time, 3)
report(nested_in_expr, 1)
report(nested_in_expr, 0)
report(break_paths, [1, 5])
report(break_paths, [1])
report(with_lambda, 1)
report(with_lambda, 0)
report(unpack, 1)
report(unpack, 0)
report(finally_path, 0)
report(finally_path, 1)
print(isinstance(UnboundLocalError(), NameError))
