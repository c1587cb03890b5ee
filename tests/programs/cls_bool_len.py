# truth value: __bool__ first, then __len__, else always true
class Z:
    def __bool__(self):
        return False

class L:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

class Plain:
    pass

for o in [Z(), L(0), L(3), Plain()]:
    print(type(o).__name__, bool(o), "yes" if o else "no", not o)
print(len(L(7)))
len(Plain())
