# Results just past the int64 range become big ints and come back when they shrink.
m = 9223372036854775807
print(m + 1, m + 1 - 1, -m - 2, (m + 1) // 2, m * 2, (m * 2) // 2 == m)
print(-9223372036854775808 // -1, abs(-9223372036854775808), -(-9223372036854775808))
print(2 ** 63, 2 ** 64 - 2 ** 64, (2 ** 64) // (2 ** 60), type(2 ** 64 - 2 ** 64 + 5).__name__ if False else 2 ** 64 - 2 ** 64 + 5)
