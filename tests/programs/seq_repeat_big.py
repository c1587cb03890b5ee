# Sequence repetition (copied by doubling): small and large counts, every
# sequence type, zero and negative counts.
s = "ab" * 5
print(s, len("x" * 1000003), ("é" * 7).count("é"))
big = "q" * 2000003
print(len(big), big[-1], big[1234567])
print([1, 2] * 3, (0,) * 4, [] * 9, "z" * 0, [7] * -2, "w" * -1)
grid = [[0] * 3] * 2
grid[0][1] = 5
print(grid)
print(len([None] * 30001), len((1, 2, 3) * 7777))
print(3 * "ab", 2 * [1])
