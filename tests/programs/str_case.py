# title, capitalize, swapcase, casefold and the case predicates (ASCII letters).
print("hello wORLD it's 3rd".title(), "hELLO world".capitalize(), "Hello".swapcase(), "ABC".casefold())
print("ABC".isupper(), "AbC".isupper(), "abc1".islower(), "123".islower(), "A1B".isupper())
print("Hello World".istitle(), "Hello world".istitle(), "HEllo".istitle(), "".istitle())
