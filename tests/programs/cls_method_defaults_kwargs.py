# methods with default, keyword and *args parameters
class Fmt:
    def __init__(self, sep=", ", *, upper=False):
        self.sep = sep
        self.upper = upper

    def join(self, *items, prefix=""):
        s = prefix + self.sep.join(str(i) for i in items)
        return s.upper() if self.upper else s

    @staticmethod
    def pad(s, width=6, fill="."):
        return s + fill * (width - len(s))

    @classmethod
    def make(cls, **kw):
        return cls(**kw)

f = Fmt()
print(f.join(1, 2, 3), f.join("a", prefix="> "))
g = Fmt.make(sep="-", upper=True)
print(g.join("x", "y"))
print(Fmt.pad("ab"), f.pad("abc", fill="_"), Fmt.pad("q", width=3))
