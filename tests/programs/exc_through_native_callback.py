# an exception raised by a key function or a dunder called from C code
# propagates to the handler around the call
def bad_key(x):
    if x == 3:
        raise KeyError(x)
    return -x

try:
    sorted([1, 2, 3, 4], key=bad_key)
except KeyError as e:
    print("from key:", e)

class Weird:
    def __eq__(self, o):
        raise RuntimeError("no comparing")

    def __hash__(self):
        return 1

d = {Weird(): 1}
try:
    d[Weird()]
except RuntimeError as e:
    print("from __eq__:", e)

class S:
    def __str__(self):
        raise ValueError("no str")

try:
    print("value", S())
except ValueError as e:
    print("from __str__:", e)
print("end")
class R:
    def __repr__(self):
        raise TypeError("no repr")

for container in ([1, R()], {"k": R()}, (R(),)):
    try:
        print(container)
    except TypeError as e:
        print("from __repr__:", e)
