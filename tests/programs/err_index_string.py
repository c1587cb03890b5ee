# String index out of range, with a negative index.
s = "abc"
print(s[-1], s[-2], s[-3])
print(s[-4])
