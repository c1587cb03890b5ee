# many short-lived instances (exercises the collector)
class P:
    def __init__(self, x):
        self.x = x
        self.tag = "p" + str(x)

    def double(self):
        return P(self.x * 2)

total = 0
for i in range(20000):
    p = P(i).double()
    total += p.x
print(total, p.tag)
