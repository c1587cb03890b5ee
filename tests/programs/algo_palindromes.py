# Palindrome checks on words and numbers.


def clean(s):
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    for ch in s.lower():
        if ch in letters:
            out += ch
    return out


def is_pal(s):
    i = 0
    j = len(s) - 1
    while i < j:
        if s[i] != s[j]:
            return False
        i += 1
        j -= 1
    return True


for s in ["A man, a plan, a canal: Panama", "Hello", "Was it a car or a cat I saw?", "", "ab"]:
    print(repr(s), is_pal(clean(s)))
count = 0
largest = 0
for a in range(100, 200):
    for b in range(a, 200):
        p = a * b
        if is_pal(str(p)):
            count += 1
            if p > largest:
                largest = p
print(count, largest)
