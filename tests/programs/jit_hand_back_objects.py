# Attribute caches that miss inside compiled code, list and tuple indexing
# at the edges, dict items, iteration over several kinds, natives in loops.
class P:
    def __init__(self, x):
        self.x = x
    def get(self):
        return self.x

class Q(P):
    @property
    def x2(self):
        return self.x * 2

def total(objs):
    s = 0
    for o in objs:
        s += o.get() + o.x
    return s

objs = [P(1), Q(2), P(3)]
print(total(objs))
objs[1].y = 5               # a new attribute: another layout
print(total(objs), objs[1].x2)

def idx(seq):
    out = []
    for i in range(-len(seq), len(seq)):
        out.append(seq[i])
    return out

print(idx([1, 2, 3]), idx((4, 5)), idx("ab"))
try:
    xs = [1, 2, 3]
    for i in range(5):
        xs[i] = i
except IndexError as e:
    print("IndexError", e, xs)

d = {}
for w in "the cat and the hat and the bat".split():
    d[w] = d.get(w, 0) + 1
    if w in d:
        d[w] += 0
print(d, "cat" in d, "dog" not in d)
try:
    for k in ["the", "dog"]:
        print(k, d[k])
except KeyError as e:
    print("KeyError", e)

def pieces(n):
    s = ""
    for i in range(n):
        s = s + str(i) + ","
        if len(s) > 20:
            s = s[-5:]
    return s

print(pieces(50))
t = (1, (2, 3))
a, b = t
print(a, b[0], b[-1], len(t))
for it in [range(3), [4, 5], (6,), "xy", {7: 8}, {9}]:
    print([v for v in it])
r = 0
for i in range(10, 0, -3):
    r = r * 10 + i
print(r)
