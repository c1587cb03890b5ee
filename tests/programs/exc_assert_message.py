# assert with and without a message
def f(x):
    assert x > 0, f"x must be positive, got {x}"
    return x * 2

print(f(2))
try:
    f(-1)
except AssertionError as e:
    print("assertion:", e)
try:
    assert 1 == 2
except AssertionError as e:
    print("bare assertion", repr(e))
assert len([1, 2]) == 3, "length"
