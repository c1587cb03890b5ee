# int() of a string in the wrong base raises ValueError with the base.
print(int('ff', 16), int('z', 36), int('0x10', 0))
print(int('12g', 16))
