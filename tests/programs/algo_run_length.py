# Run-length encoding and decoding.


def encode(s):
    if s == "":
        return []
    out = []
    cur = s[0]
    n = 1
    for ch in s[1:len(s)]:
        if ch == cur:
            n += 1
        else:
            out.append((cur, n))
            cur = ch
            n = 1
    out.append((cur, n))
    return out


def decode(pairs):
    s = ""
    for ch, n in pairs:
        s += ch * n
    return s


for s in ["aaabccdddd", "", "x", "abab", "zzzzzzzzzzzz"]:
    e = encode(s)
    print(repr(s), e, decode(e) == s)
