# A set compared with a list by < is a TypeError.
print({1} < {1, 2})
print({1} < [1, 2])
