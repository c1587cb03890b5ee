print(len([1, 2]))
len(obj=[1])
