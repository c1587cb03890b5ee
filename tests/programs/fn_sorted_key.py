def last(s):
    return s[-1]


def neg(x):
    return -x


words = ["pear", "fig", "apple", "kiwi", "banana"]
print(sorted(words, key=len))
print(sorted(words, key=last))
print(sorted(words, key=len, reverse=True))
print(sorted(range(6), key=neg))
print(sorted([(2, "b"), (1, "z"), (2, "a")], key=last))
print(sorted("hello", key=str.upper if False else None))
