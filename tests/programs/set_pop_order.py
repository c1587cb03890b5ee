# pop() takes entries in table order, as CPython does, also after removals.
s = set(range(20))
out = []
for i in range(5):
    out.append(s.pop())
s.discard(10)
s.add(50)
s.add(10)
print(out, s)
t = {100, 200, 300}
print(t.pop(), t.pop(), t.pop(), t)
