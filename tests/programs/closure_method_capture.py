class Counter:
    def __init__(self):
        self.n = 0

    def incrementer(self, step):
        def inc():
            self.n += step
            return self.n
        return inc

    def squares(self, k):
        return [i * i * self.n for i in range(k)]


c = Counter()
up = c.incrementer(3)
up()
up()
print(c.n, c.squares(4))
print(list(map(lambda t: t + c.n, [1, 2])))
