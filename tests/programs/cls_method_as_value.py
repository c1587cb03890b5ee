# bound methods are values; functions stored on instances are not bound
class Acc:
    def __init__(self):
        self.total = 0

    def add(self, n):
        self.total += n
        return self.total

a = Acc()
f = a.add
f(3)
f(4)
print(a.total)
ops = [a.add, a.add]
for op in ops:
    op(1)
print(a.total)

def shout(s):
    return s.upper()

a.fn = shout
print(a.fn("hi"))
