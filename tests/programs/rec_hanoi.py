# Towers of Hanoi.
moves = []


def hanoi(n, src, dst, via):
    if n == 0:
        return 0
    c = hanoi(n - 1, src, via, dst)
    moves.append((n, src, dst))
    return c + 1 + hanoi(n - 1, via, dst, src)


print(hanoi(3, "A", "C", "B"))
for m in moves:
    print("move disk", m[0], "from", m[1], "to", m[2])
moves = []
print(hanoi(10, "A", "C", "B"), len(moves))
print(moves[0], moves[-1])
