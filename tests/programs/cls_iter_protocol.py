# __iter__ and __next__: for loops, list(), sum(), in
class Countdown:
    def __init__(self, start):
        self.start = start

    def __iter__(self):
        return CountdownIter(self.start)

class CountdownIter:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1

for x in Countdown(3):
    print(x)
print(list(Countdown(5)), sum(Countdown(4)))
print(2 in Countdown(3), 7 in Countdown(3))
a, b = Countdown(2)
print(a, b)
