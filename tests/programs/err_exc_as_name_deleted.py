try:
    int("x")
except ValueError as problem:
    print("handled:", problem)
print(problem)
