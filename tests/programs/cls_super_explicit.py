# super(Class, self) with explicit arguments
class A:
    def f(self):
        return "A.f"

class B(A):
    def f(self):
        return "B.f > " + super(B, self).f()

print(B().f())
