# int() of long strings, bases and underscores; str() back.
s = '123456789' * 5
n = int(s)
print(n, str(n) == s, int('-' + s) + n)
print(int('ff' * 12, 16), int('0x' + 'ab' * 10, 0), int('0b' + '1' * 70, 0), int('z' * 15, 36))
print(int('1_000_000_000_000_000_000_000'), int('  -0o777777777777777777777777  ', 0), int(' +99999999999999999999 '))
print(int(1e25), int(-2.5e30), int(float(2 ** 100)))
