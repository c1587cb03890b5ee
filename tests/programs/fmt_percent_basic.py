# printf-style formatting: d s r f x o e g c and %%.
print("%d %s %r %5.2f %x %%" % (42, "hi", "hi", 3.14159, 255))
print("%o %X %e %g %G %E" % (8, 255, 12345.678, 0.0001, 1e20, 2.5))
print("%c%c%c" % (65, "b", 0x263A), "%s" % [1, 2], "%s" % (1,), "%s %s" % (True, None), "%d" % True)
print("%i %u %d" % (3.9, -2, -7.5), "%s" % "only", "100%%" % (), "%r" % ("it's",))
