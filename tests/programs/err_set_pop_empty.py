# pop() from an empty set raises KeyError.
s = {1}
print(s.pop())
s.pop()
