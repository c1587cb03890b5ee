# str.format with format specs and nested replacement fields in specs.
print("{:>8}|{:<8}|{:^8}|{:*^9}".format("a", "b", "c", "d"))
print("{:.3f} {:,} {:x} {:08.2f} {:+} {:%}".format(3.14159, 1234567, 255, -3.5, 5, 0.25))
print("{:{w}.{p}f}".format(3.14159, w=10, p=2), "{:{}}".format("x", 4) + "|", "{0:{1}}|".format(5, 3))
print("{:e}|{:g}|{:b}|{:o}|{:#x}|{:_}".format(1e10, 1e-10, 10, 64, 255, 10 ** 8))
