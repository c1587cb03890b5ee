# String concatenation and repetition.
s = "ab"
t = s + "cd"
print(t)
print(s * 3)
print(3 * s)
print("-" * 20)
print("x" * 0 == "")
print("x" * -2 == "")
u = ""
i = 0
while i < 5:
    u += str(i)
    i += 1
print(u)
print(len(u * 100))
print("a" + "b" * 2 + "c")
