sorted([1], cmp=None)
