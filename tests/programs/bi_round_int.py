# round() of ints with negative ndigits rounds ties to even; non-negative ndigits keep the int.
print(round(7, -1), round(15, -1), round(25, -1), round(-25, -1), round(123, 1), round(2 ** 70 + 5, -1), round(True), round(149, -2))
