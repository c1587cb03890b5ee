# Mutual recursion and recursion over nested lists.


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


def flatten(x, out):
    for item in x:
        if item == [] or (len(repr(item)) > 0 and repr(item)[0] == "["):
            flatten(item, out)
        else:
            out.append(item)
    return out


def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)


print(is_even(10), is_odd(7), is_even(3))
print(flatten([1, [2, [3, [4]], 5], [], [[6]]], []))
print(depth(500))
