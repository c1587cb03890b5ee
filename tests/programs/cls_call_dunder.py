# instances with __call__ are callable
class Adder:
    def __init__(self, n):
        self.n = n

    def __call__(self, x, scale=1):
        return (x + self.n) * scale

add5 = Adder(5)
print(add5(1), add5(2, scale=10))
fs = [Adder(1), Adder(2)]
out = []
for f in fs:
    out.append(f(10))
print(out)
class Plain:
    pass
Plain()()
