# Counting while-loop summing integers: measures basic bytecode dispatch.


def main():
    n = 10000000
    i = 0
    total = 0
    while i < n:
        total += i
        i += 1
    print(total)


main()
