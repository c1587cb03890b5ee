# int.bit_length (small, negative, big) and float.is_integer.
x = 255
print(x.bit_length(), (0).bit_length(), (-8).bit_length(), (2 ** 100).bit_length(), (-(2 ** 70)).bit_length(), True.bit_length())
print((2.0).is_integer(), (2.5).is_integer(), (1e300).is_integer(), float('inf').is_integer(), (-0.0).is_integer())
