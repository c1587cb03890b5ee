# class attributes are shared; an instance attribute shadows them
class Counter:
    count = 0
    step = 1

    def __init__(self):
        Counter.count += 1

a = Counter()
b = Counter()
print(Counter.count, a.count, b.step)
a.step = 10
print(a.step, b.step, Counter.step)
