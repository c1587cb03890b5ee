# try/except catches a built-in exception raised by the VM
try:
    x = 1 // 0
    print("not reached")
except ZeroDivisionError:
    print("caught ZeroDivisionError")
print("after")
