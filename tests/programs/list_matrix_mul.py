# Matrix multiplication with lists of lists.


def make_matrix(rows, cols, start):
    m = []
    v = start
    for i in range(rows):
        row = []
        for j in range(cols):
            row.append(v)
            v += 1
        m.append(row)
    return m


def matmul(a, b):
    n = len(a)
    k = len(b)
    p = len(b[0])
    out = []
    for i in range(n):
        row = [0] * p
        for j in range(p):
            s = 0
            for t in range(k):
                s += a[i][t] * b[t][j]
            row[j] = s
        out.append(row)
    return out


def transpose(m):
    out = []
    for j in range(len(m[0])):
        row = []
        for i in range(len(m)):
            row.append(m[i][j])
        out.append(row)
    return out


a = make_matrix(2, 3, 1)
b = make_matrix(3, 2, 7)
print(a)
print(b)
print(matmul(a, b))
print(transpose(a))
ident = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
c = make_matrix(3, 3, -4)
print(matmul(c, ident) == c, matmul(ident, c) == c)
fm = [[0.5, 1.5], [2.0, -1.0]]
print(matmul(fm, fm))
p = [[1, 1], [1, 0]]
r = [[1, 0], [0, 1]]
for i in range(50):
    r = matmul(r, p)
print(r[0][1])
