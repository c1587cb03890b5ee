# Counting words with a dict.
text = "the cat sat on the mat the cat ran and the dog sat"
counts = {}
for w in text.split():
    if w in counts:
        counts[w] += 1
    else:
        counts[w] = 1
print(counts)
for w in counts:
    print(w, counts[w])
best = ""
best_n = 0
for w, n in counts.items():
    if n > best_n:
        best = w
        best_n = n
print("most common:", best, best_n)
letters = {}
for ch in text:
    if ch != " ":
        letters[ch] = letters.get(ch, 0) + 1
keys = sorted(list(letters.keys()))
out = []
for k in keys:
    out.append(k + "=" + str(letters[k]))
print(" ".join(out))
