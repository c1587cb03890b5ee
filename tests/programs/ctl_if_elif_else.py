# if / elif / else chains.


def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    elif n < 100:
        return "medium"
    else:
        return "large"


for n in [-5, 0, 3, 10, 99, 100, 12345]:
    print(n, classify(n))

x = 7
if x % 2 == 0:
    print("even")
else:
    print("odd")
if x > 5:
    if x > 6:
        print("x > 6")
    else:
        print("x == 6")
if x:
    pass
print("done")
