# exceptions unwind several frames to the handler
def a(n):
    return b(n) + 1

def b(n):
    return c(n) * 2

def c(n):
    if n == 0:
        raise LookupError("deep")
    return n

print(a(3))
try:
    a(0)
except LookupError as e:
    print("caught at top:", e)
