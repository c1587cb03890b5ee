# Float division by zero.
x = 1.5
y = 0.5
while True:
    print(x / y)
    y -= 0.25
