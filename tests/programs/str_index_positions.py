# Walking a string by index.
s = "Drift VM"
for i in range(len(s)):
    print(i, s[i], s[-1 - i])
i = len(s) - 1
out = ""
while i >= 0:
    out += s[i]
    i -= 2
print(out)
print(s[len(s) - 1], s[-len(s)])
