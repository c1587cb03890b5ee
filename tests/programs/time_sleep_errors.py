# time.sleep rejects negative lengths (ValueError) and non-numbers (TypeError).
import time

print(time.sleep(0.001))
time.sleep(-1)
