# Caesar cipher using an alphabet lookup string.
lower = "abcdefghijklmnopqrstuvwxyz"
upper = lower.upper()


def shift(text, k):
    out = []
    for ch in text:
        i = lower.find(ch)
        if i >= 0:
            out.append(lower[(i + k) % 26])
        else:
            j = upper.find(ch)
            if j >= 0:
                out.append(upper[(j + k) % 26])
            else:
                out.append(ch)
    return "".join(out)


msg = "Hello, World! The quick brown fox."
enc = shift(msg, 3)
print(enc)
print(shift(enc, -3))
print(shift(msg, 26) == msg, shift(shift(msg, 13), 13) == msg)
