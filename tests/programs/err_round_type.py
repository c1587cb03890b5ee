# round of a str raises TypeError.
print(round(1.25, 1))
print(round("x"))
