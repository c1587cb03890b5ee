class Point:
    def __init__(self, x, y=0):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)

    def show(self):
        return f"P({self.x}, {self.y})"


class Scale:
    def __init__(self, k):
        self.k = k

    def apply(self, v):
        return v * self.k


pts = list(map(Point, [3, -1, 2]))
print(list(map(Point.show, pts)))
print(list(map(Point.show, sorted(pts, key=Point.norm1))))
s = Scale(10)
print(list(map(s.apply, [1, 2, 3])))
print(max([4, -9, 2], key=Scale(-1).apply))
print(list(map(Point.show, filter(Point.norm1, [Point(0), Point(1)]))))
print(list(map(Point.show, sorted([Point(2, 2), Point(1, 5), Point(0, 1)], key=Point.norm1, reverse=True))))
