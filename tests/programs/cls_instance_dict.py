# obj.__dict__ is the instance's attribute dict
class P:
    kind = "point"

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def show(self):
        return "show method"

p = P(1, 2)
print(p.__dict__)
p.__dict__["z"] = 3
print(p.z, sorted(p.__dict__))
p.__dict__["show"] = lambda: "shadowed via __dict__"
print(p.show(), P(0, 0).show())
for k, v in p.__dict__.items():
    if k != "show":
        print(k, v)
