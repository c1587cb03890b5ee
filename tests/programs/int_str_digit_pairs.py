# str/repr/f-string of ints at digit-pair boundaries and the int64 limits.
for i in [0,1,9,10,99,100,101,-1,-10,-99,-100,12345678901234567,-9223372036854775807-1, 9223372036854775807]: print(i, str(i), repr(i), f"{i}", f"{i:>25}")
