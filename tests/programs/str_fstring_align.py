# f-string width and alignment.
items = ["a", "bb", "ccc"]
for it in items:
    print(f"[{it:5}] [{it:<5}] [{it:>5}] [{it:^5}]")
for n in [1, 42, -7, 12345]:
    print(f"[{n:5}] [{n:<5}] [{n:>5}] [{n:^5}] [{n:05d}]")
print(f"[{'toolongvalue':4}]")
print(f"[{3:^4}]")
print(f"[{1.5:6}]")
