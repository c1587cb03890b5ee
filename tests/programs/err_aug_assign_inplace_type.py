class Vec:
    def __init__(self, xs):
        self.xs = xs

    def __truediv__(self, k):
        return Vec([x / k for x in self.xs])


v = Vec([2, 4])
v /= 2
print(v.xs)
v //= 2
