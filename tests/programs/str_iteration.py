# Iterating over a string.
vowels = "aeiou"
count = 0
for ch in "programming language":
    if ch in vowels:
        count += 1
print("vowels:", count)
out = ""
for ch in "hello":
    out = ch + out
print(out)
for c in "ab":
    for d in "xyz":
        print(c + d, end=" ")
print()
print("ell" in "hello", "elo" in "hello", "" in "abc", "z" not in "abc")
