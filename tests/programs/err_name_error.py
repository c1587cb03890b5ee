# Reading an undefined name.
counter = 1
print("counter is", counter)


def show():
    print(undefined_thing_qzx)


show()
