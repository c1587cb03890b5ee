# splitlines on every kind of line break, with and without keepends.
print("l1\nl2\r\nl3\rl4".splitlines(), "a\n\nb\n".splitlines(True), "".splitlines())
print("x\x0by\x0cz\x1cw".splitlines(), "one\u2028two".splitlines(), "end\n".splitlines(keepends=True))
