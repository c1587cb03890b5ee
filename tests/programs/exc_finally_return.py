# return inside try runs finally first; the value is kept
def f():
    try:
        return "from try"
    finally:
        print("finally ran")

def g():
    for i in range(5):
        try:
            if i == 2:
                return i
        finally:
            print("cleanup", i)
    return -1

print(f())
print(g())
