# N-queens solution counting with backtracking.


def safe(cols, row, col):
    for r in range(row):
        c = cols[r]
        if c == col or abs(c - col) == row - r:
            return False
    return True


def solve(n, row, cols):
    if row == n:
        return 1
    count = 0
    for col in range(n):
        if safe(cols, row, col):
            cols[row] = col
            count += solve(n, row + 1, cols)
    return count


def first_solution(n, row, cols):
    if row == n:
        return True
    for col in range(n):
        if safe(cols, row, col):
            cols[row] = col
            if first_solution(n, row + 1, cols):
                return True
    return False


for n in range(1, 9):
    print(n, solve(n, 0, [0] * n))
cols = [0] * 6
first_solution(6, 0, cols)
for r in range(6):
    line = ""
    for c in range(6):
        line += "Q" if cols[r] == c else "."
    print(line)
