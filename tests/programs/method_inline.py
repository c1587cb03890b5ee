# d.get(k[, default]) of a str or int key and l.append(x) with room run
# inline in CALL, and METHOD/METHODK hit their cache for plain methods;
# every other case goes through the natives or the full lookup, with the
# same results and errors.
d = {"a": 1, 2: "two", True: "t", 2.5: "f", (1, 2): "tup"}
print(d.get("a"), d.get("b"), d.get("b", 0), d.get("a", 0), d.get(2), d.get(2, None))
print(d.get(1), d.get(1.0), d.get(2.0), d.get(2.5), d.get((1, 2)), d.get(True), d.get(False, "no"))
print(d.get(2 ** 70, "big"), d.get(-0.0, "z"), d.get(None, "none"))
d2 = {0: "zero"}
print(d2.get(False), d2.get(0.0), d2.get(0))
for bad in ([1], {}, {1}):
    try:
        d.get(bad)
    except TypeError as e:
        print("TypeError:", e)
    try:
        d.get(bad, 5)
    except TypeError as e:
        print("TypeError:", e)
try:
    d.get()
except TypeError as e:
    print("TypeError:", e)
try:
    d.get(1, 2, 3)
except TypeError as e:
    print("TypeError:", e)
g = d.get                      # a bound native stored and called later
print(g("a"), g("zz", "dflt"), g(2))
counts = {}
for i in range(3000):
    k = "k" + str(i % 37)
    counts[k] = counts.get(k, 0) + 1
    counts[i % 11] = counts.get(i % 11, 0) + i
print(len(counts), counts["k5"], counts[3], counts.get("k36"), sum(v for v in counts.values()))


class Hash:
    def __init__(self, v):
        self.v = v

    def __hash__(self):
        return hash(self.v)

    def __eq__(self, other):
        return isinstance(other, Hash) and other.v == self.v


h = {Hash(1): "one"}
print(h.get(Hash(1)), h.get(Hash(2), "none"), h.get(1, "int"))

# list.append
lst = []
for i in range(2000):
    lst.append(i * i)
print(len(lst), lst[0], lst[-1], sum(lst))
self_ref = [1]
self_ref.append(self_ref)
print(len(self_ref), self_ref[1] is self_ref)
try:
    lst.append()
except TypeError as e:
    print("TypeError:", e)
try:
    lst.append(1, 2)
except TypeError as e:
    print("TypeError:", e)
ap = lst.append
ap("x")
print(lst[-1], len(lst))
lst.append("y")
print(lst[-2:])
nested = [[] for _ in range(5)]
for i in range(50):
    nested[i % 5].append([i] * (i % 7))   # allocations while appending: collections happen
print([len(x) for x in nested], nested[4][-1])
result = lst.append(0)
print(result)


class Box:
    def get(self, k, default=None):
        return ("Box.get", k, default)

    def append(self, x):
        return ("Box.append", x)


b = Box()
print(b.get("a"), b.get("a", 1), b.append(3))


class Toggle:
    def __init__(self):
        self.state = False

    def flip(self):
        self.state = not self.state
        return self

    def value(self):
        return self.state


t = Toggle()
for i in range(5):
    print(t.flip().value(), end=" ")
print()
t2 = Toggle()
t2.value = lambda: "instance attribute"   # shadows the method on this instance only
print(t.flip().value(), t2.flip().value())
Toggle.value = lambda self: ("replaced", self.state)
print(t.value(), t2.value())
del t2.value
print(t2.value())


class Sub(Toggle):
    def flip(self):
        self.state = "sub"
        return self


s = Sub()
print(s.flip().value(), t.flip().value())
for obj in (t, s, t2, t, s):
    print(obj.flip().value(), end=" ")
print()


def in_function():             # locals: METHODK (the receiver in its own register)
    dd = {"x": 1}
    ll = []
    tt = Toggle()
    sub = Sub()
    out = []
    for i in range(300):
        dd[str(i % 13)] = dd.get(str(i % 13), 0) + 1
        ll.append(dd.get("x"))
        out.append(tt.flip().value())
        if i == 100:
            tt.value = lambda: "shadow"
        if i == 200:
            del tt.value
            Toggle.value = lambda self: self.state
    ll.append(sub.flip().value())
    try:
        dd.get()
    except TypeError as e:
        print("TypeError:", e)
    try:
        ll.append(1, 2)
    except TypeError as e:
        print("TypeError:", e)
    try:
        tt.missing()
    except AttributeError as e:
        print("AttributeError:", e)
    print(len(dd), dd["5"], len(ll), ll[-1], out[99:103], out[199:203], out[-1])


in_function()
