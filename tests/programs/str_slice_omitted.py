# String slices with omitted bounds.
s = "abcdefghij"
print(s[:3])
print(s[7:])
print(s[:])
print(s[::2])
print(s[::-1])
print(s[-3:])
print(s[:-3])
print(s[1::3])
print(s[:5:-1])
word = "racecar"
print(word == word[::-1])
word = "drift"
print(word == word[::-1])
