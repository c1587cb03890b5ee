# The time module: monotonic clocks never go backwards, sleep waits at least as long as asked, the
# wall clock is after 2020.
import time

a = time.monotonic()
n = time.monotonic_ns()
p = time.perf_counter()
time.sleep(0.02)
b = time.monotonic()
print(b - a >= 0.02, b - a < 5)
print(time.monotonic_ns() - n >= 20000000, time.perf_counter() - p >= 0.02)
print(time.time() > 1577836800, time.time_ns() > 1577836800 * 1000000000)
time.sleep(0)
time.sleep(1 // 100)
last = time.monotonic_ns()
ok = True
i = 0
while i < 1000:
    t = time.monotonic_ns()
    if t < last:
        ok = False
    last = t
    i += 1
print(ok)
