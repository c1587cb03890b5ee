# the exception object can be stored and inspected later
saved = []
for v in [0, 2, 0]:
    try:
        saved.append(10 // v)
    except ZeroDivisionError as e:
        saved.append(e)
names = []
for x in saved:
    names.append(type(x).__name__)
print(names)
print(saved[0].args, saved[1])
