# else runs only when the try body raised nothing
for v in ["12", "x"]:
    try:
        n = int(v)
    except ValueError:
        print("bad", v)
    else:
        print("good", n)
