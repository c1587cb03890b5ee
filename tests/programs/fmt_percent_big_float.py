# %d (and %i, %u) of floats beyond 64 bits: the exact integer value, as CPython.
print("%d" % 1e30, "%i" % -2.5e19, "%u" % 9.3e18)
print("[%25d]" % 1e20, "[%-25d]" % -1e20, "[%+d]" % 2.0 ** 70, "%.30d" % 1e25)
print("%s and %d and %s" % ("a", 1e300, "z"))
print("%(big)d %(small)d" % {"big": 1.5e19, "small": 2.9})
try:
    print("%d" % float("inf"))
except OverflowError as e:
    print(e)
