# return, break and continue inside with call __exit__
class Log:
    def __init__(self, n):
        self.n = n

    def __enter__(self):
        print("enter", self.n)
        return self.n

    def __exit__(self, t, v, tb):
        print("exit", self.n)

def f():
    with Log(1) as n:
        return n * 10

print(f())
for i in range(4):
    with Log(i):
        if i == 1:
            continue
        if i == 2:
            break
        print("body", i)
print("done")
