# Local variables shadow globals without changing them.
x = "global"
y = 10


def f():
    x = "local"
    return x


def g(y):
    y = y + 1
    return y


def reads_global():
    return x + "!"


print(f(), x)
print(g(5), y)
print(reads_global())


def swap_list(lst):
    lst = [0]
    return lst


data = [1, 2]
print(swap_list(data), data)
