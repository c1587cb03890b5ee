def run():
    total = 0
    calls = 0

    def add(x):
        nonlocal total, calls
        total += x
        calls += 1

    for i in range(10):
        add(i)
    return total, calls


print(run())
