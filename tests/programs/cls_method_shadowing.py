# an instance attribute hides a method of the same name; methods added to a
# class later are seen by existing instances
class A:
    def greet(self):
        return "method"

a = A()
b = A()
for i in range(3):
    print(a.greet(), b.greet())
a.greet = lambda: "instance attribute"
print(a.greet(), b.greet())

class B:
    pass

x = B()
def late(self):
    return "added later"
B.late = late
print(x.late())
B.late = lambda self: "replaced"
print(x.late())
