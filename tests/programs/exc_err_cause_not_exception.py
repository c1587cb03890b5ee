# raise ... from something that is not an exception
try:
    raise ValueError("v") from 5
except TypeError as e:
    print(e)
raise KeyError("k") from "cause"
