def words(n):
    for i in range(n):
        yield "w" + str(i) * 3


total = 0
for w in words(3000):
    total += len(w)
print(total)
print(len(list(words(2000))))
print(sum(len(s) for s in words(1000)))
