# The global statement.
counter = 0
log = []


def bump(n):
    global counter
    counter += n
    log.append(counter)


def reset():
    global counter, log
    counter = 0
    log = []


for i in range(5):
    bump(i)
print(counter, log)
reset()
print(counter, log)
bump(7)
print(counter, log)


def make_new_global():
    global created
    created = "hello"


make_new_global()
print(created)
