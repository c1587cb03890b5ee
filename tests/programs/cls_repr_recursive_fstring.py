# __repr__/__str__ through f-strings run as interpreter calls: deep recursion works
class Node:
    def __init__(self, v, nxt):
        self.v = v
        self.next = nxt
    def __repr__(self):
        if self.next is None:
            return f"{self.v}"
        return f"{self.v} -> {self.next!r}"
    def __str__(self):
        return f"<{self!r}>"
head = None
for i in range(300):
    head = Node(i, head)
s = f"{head}"
print(len(s), s[:30])
print(f"{Node(1, None)!s} {Node(2, None)!r}")
class Bad:
    def __repr__(self):
        return 5
try:
    f"{Bad()!r}"
except TypeError as e:
    print(e)
