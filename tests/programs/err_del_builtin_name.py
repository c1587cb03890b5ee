# del of a built-in's name the program never bound
print(len([1, 2]))
del len
