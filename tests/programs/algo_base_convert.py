# Converting integers to strings in various bases.
digits = "0123456789abcdef"


def to_base(n, b):
    if n == 0:
        return "0"
    neg = n < 0
    if neg:
        n = -n
    out = ""
    while n > 0:
        out = digits[n % b] + out
        n //= b
    if neg:
        out = "-" + out
    return out


def from_base(s, b):
    v = 0
    for ch in s:
        v = v * b + digits.find(ch)
    return v


for n in [0, 5, 255, -255, 1024, 9223372036854775807]:
    print(n, to_base(n, 2), to_base(n, 8), to_base(n, 16))
print(from_base("ff", 16), from_base("777", 8), from_base("101010", 2))
