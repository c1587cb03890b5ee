def length(s):
    return len(s)


words = ["aa", "b", "cccc", "dd"]
print(min(words, key=length), max(words, key=length))
print(min("xyz", "ab", "c", key=length), max(3, -7, 5, key=abs))
print(max([], default="none"), min([4, 2], default=0))
print(max(range(10), key=None))
