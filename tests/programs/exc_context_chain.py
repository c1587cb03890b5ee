# an exception raised in a handler is uncaught: both are printed
try:
    [][0]
except IndexError:
    {}["k"]
