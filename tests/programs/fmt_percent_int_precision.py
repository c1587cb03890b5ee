# %-formatting: a precision on an integer conversion is a minimum number of digits
fmts = ['%.3d', '%06.3d', '%-6.3d|', '%+.3d', '%#.3x', '%#.3o', '%.0d', '%5.3d', '% .3d', '%.3X',
        '%#08.3x', '%.3i', '%.3u', '%.2d', '%.30d', '%#.3X', '%-+8.4d|', '%08.3o', '%.1x']
for f in fmts:
    print(repr(f), [f % v for v in (5, -5, 0, 123456, 2**70, -(2**70))])
print('%.3d' % True, '%.3d' % 5.7, '%.3d' % -5.2, '%.3f' % 5)
print('%*.*d|' % (8, 4, 42), '%-*.*x|' % (8, 4, 255))
print('%(n).4d %(m)#.2x' % {'n': 7, 'm': 10})
print('[%.3d:%.3d]' % (1, 2))
