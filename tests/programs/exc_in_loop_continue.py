# handling inside a loop keeps looping
total = 0
for s in ["1", "x", "3", "", "5"]:
    try:
        total += int(s)
    except ValueError:
        print("skip", repr(s))
        continue
    print("added", s)
print(total)
