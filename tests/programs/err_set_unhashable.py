# A list cannot be a set member.
s = {1, 2}
print(1 in s)
s.add([3])
