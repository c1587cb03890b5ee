# len() of an int.
things = ["abc", [1, 2], {"a": 1}, (1,), 5]
for t in things:
    print(len(t))
