class Countdown:
    def __init__(self, start):
        self.start = start

    def ticks(self):
        n = self.start
        while n > 0:
            yield n
            n -= 1


c = Countdown(3)
print(list(c.ticks()))
for t in c.ticks():
    print("tick", t)
