# Missing dict key.
d = {"alpha": 1, "beta": 2}
print(d["alpha"], d.get("gamma"))
del d["beta"]
print(d)
print(d["beta"])
