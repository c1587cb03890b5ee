# Calling what a property returns straight away: obj.prop(...) runs the getter,
# then calls its value.


class Ops:
    def __init__(self, k):
        self.k = k

    @property
    def scaler(self):
        print("getter runs")
        return lambda x: x * self.k

    @property
    def items(self):
        return [3, 1, 2]

    @property
    def bound(self):
        return self.describe

    def describe(self, prefix="k="):
        return prefix + str(self.k)


o = Ops(4)
print(o.scaler(5), o.scaler(x=6))
print(o.items.copy(), sorted(o.items), o.bound(), o.bound("K:"))
lst = o.items
lst.sort()
print(lst)


class Child(Ops):
    @property
    def scaler(self):
        return lambda x: -x


print(Child(2).scaler(3), Child(2).bound())


class Broken:
    @property
    def value(self):
        return 42


try:
    Broken().value()
except TypeError as e:
    print("TypeError:", e)


class Failing:
    @property
    def f(self):
        raise KeyError("inside getter")


try:
    Failing().f()
except KeyError as e:
    print("KeyError:", e)
