# String comparison is lexicographic by code point.
words = ["pear", "apple", "Banana", "apple pie", "app", "", "Zebra"]
i = 0
while i < len(words) - 1:
    a = words[i]
    b = words[i + 1]
    print(repr(a), repr(b), a < b, a <= b, a > b, a == b)
    i += 1
print(sorted(words))
print(min(words), max(words))
print("abc" < "abcd", "b" > "abcd")
