def running_avg():
    total = 0.0
    count = 0
    avg = None
    while True:
        value = yield avg
        total += value
        count += 1
        avg = total / count


r = running_avg()
next(r)
for v in [10, 20, 30, 5]:
    print(r.send(v))
