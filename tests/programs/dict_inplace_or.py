# d |= other updates the dict in place (other references see it), as dict.update
d = {"a": 1, "b": 2}
alias = d
d |= {"b": 20, "c": 3}
print(d is alias, alias)
d |= [("d", 4), ("a", 10)]
print(alias)
d |= (("e", 5),)
print(alias)


def add_defaults(opts):
    opts |= {"verbose": False}
    return opts


o = {"x": 1}
print(add_defaults(o) is o, o)
nested = {"cfg": {"a": 1}}
inner = nested["cfg"]
nested["cfg"] |= {"b": 2}
print(inner, nested["cfg"] is inner)

try:
    d |= 5
except TypeError as e:
    print("TypeError:", e)
try:
    d |= [("a", 1, 2)]
except ValueError as e:
    print("ValueError:", e)
print(d | {"z": 0} is d, len(d))
