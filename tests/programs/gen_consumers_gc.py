def strings(n):
    for i in range(n):
        yield "s" + str(i) * 2


print(len(set(strings(300))))
print(len("".join(strings(300))))
print(sorted(strings(5), key=lambda s: s[::-1]))
print(tuple(strings(3)))
s = {"x"}
s.update(strings(4))
print(sorted(s))
print(len({x: len(x) for x in strings(200)}))
a, b, c = strings(3)
print(a, b, c)
lst = []
lst.extend(strings(3))
print(lst)
print(max(strings(50), key=len), min(strings(50)))
print(sum(len(x) for x in strings(100)))
print(list(map(len, strings(4))), list(filter(lambda v: "1" in v, strings(12))))
print(frozenset(strings(2)) == frozenset(["s00", "s11"]))
print([w for w in strings(4)].index("s22"))
