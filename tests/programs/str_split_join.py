# split and join.
line = "the quick  brown   fox"
words = line.split()
print(words)
print(len(words))
print(",".join(words))
print(" ".join(words))
print("".join(["a", "b", "c"]))
csv = "1,2,,3"
parts = csv.split(",")
print(parts, len(parts))
print("a::b::c".split("::"))
print("  leading and trailing  ".split())
print("".split())
print("abc".split(","))
print("-".join([]))
print("-".join(["only"]))
nums = "10 20 30 40".split()
total = 0
for n in nums:
    total += int(n)
print(total)
