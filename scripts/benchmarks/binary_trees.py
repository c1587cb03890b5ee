# Binary trees (Computer Language Benchmarks Game): allocation-heavy.
# A tree node is a tuple (left, right); leaves are (None, None).


def make_tree(depth):
    if depth == 0:
        return (None, None)
    depth -= 1
    return (make_tree(depth), make_tree(depth))


def check_tree(node):
    left = node[0]
    if left is None:
        return 1
    return 1 + check_tree(left) + check_tree(node[1])


def main(n):
    min_depth = 4
    max_depth = max(min_depth + 2, n)
    stretch_depth = max_depth + 1
    stretch_check = check_tree(make_tree(stretch_depth))
    print(f"stretch tree of depth {stretch_depth}\t check: {stretch_check}")
    long_lived = make_tree(max_depth)
    depth = min_depth
    while depth <= max_depth:
        iterations = 2 ** (max_depth - depth + min_depth)
        check = 0
        for i in range(iterations):
            check += check_tree(make_tree(depth))
        print(f"{iterations}\t trees of depth {depth}\t check: {check}")
        depth += 2
    long_check = check_tree(long_lived)
    print(f"long lived tree of depth {max_depth}\t check: {long_check}")


main(15)
