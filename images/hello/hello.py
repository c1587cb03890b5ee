"""The smallest Drift appliance: boots, greets, and exits."""


def greet(name):
    return "Hello, " + name + "!"


print(greet("Drift"))
print("2 ** 10 =", 2 ** 10, "| 1/3 =", 1 / 3)
