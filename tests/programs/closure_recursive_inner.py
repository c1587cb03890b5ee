def fact_all(ns):
    def fact(n):
        return 1 if n <= 1 else n * fact(n - 1)
    return [fact(n) for n in ns]


print(fact_all([0, 1, 5, 10]))


def fib_memo():
    memo = {}

    def fib(n):
        if n < 2:
            return n
        if n not in memo:
            memo[n] = fib(n - 1) + fib(n - 2)
        return memo[n]

    return fib


print(fib_memo()(80))
