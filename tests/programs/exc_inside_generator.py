# try/except/finally inside a generator body
def safe_div(pairs):
    for a, b in pairs:
        try:
            yield a // b
        except ZeroDivisionError:
            yield "div0"
        finally:
            print("step", a, b)

print(list(safe_div([(6, 3), (1, 0), (9, 2)])))
