# uncaught exception without arguments prints just the class name
print("before")
raise KeyError
