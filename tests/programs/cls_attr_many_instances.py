# attributes stored in different orders on instances of one class
class P:
    def __init__(self, first):
        if first:
            self.a = 1
            self.b = 2
        else:
            self.b = 20
            self.a = 10

ps = [P(True), P(False), P(True), P(False)]
total = 0
for i in range(100):
    for p in ps:
        total += p.a * 100 + p.b
        p.a += 1
print(total, ps[0].a, ps[1].a)
