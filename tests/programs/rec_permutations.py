# Generating permutations and subsets recursively.


def permute(xs, prefix, out):
    if len(xs) == 0:
        out.append(prefix)
        return out
    for i in range(len(xs)):
        rest = xs[0:i] + xs[i + 1:len(xs)]
        permute(rest, prefix + [xs[i]], out)
    return out


def subsets(xs, i, cur, out):
    if i == len(xs):
        out.append(list(cur))
        return out
    subsets(xs, i + 1, cur, out)
    cur.append(xs[i])
    subsets(xs, i + 1, cur, out)
    cur.pop()
    return out


ps = permute([1, 2, 3], [], [])
print(len(ps))
for p in ps:
    print(p)
print(subsets(["a", "b", "c"], 0, [], []))
print(len(permute([1, 2, 3, 4, 5, 6], [], [])))
