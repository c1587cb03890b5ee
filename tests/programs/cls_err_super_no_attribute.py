# super() finds no such attribute
class A:
    pass

class B(A):
    def f(self):
        return super().missing()

B().f()
