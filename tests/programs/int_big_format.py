# f-strings and format() of big ints: grouping, bases, alignment, sign, floats.
n = 2 ** 70 + 12345
print(f'{n:,}|{n:_}|{n:x}|{n:X}|{n:#o}|{n:b}|{n:_x}')
print(f'{n:>35}|{n:<35}|{n:^35}|{-n:=35}|{n:+}|{-n: }|{n:035}')
print(f'{n:*^40,}|{n:e}|{n:.3f}|{n:g}|{n:%}')
print(format(-n, '#x'), format(n, 'd'), str(-n), repr(n))
