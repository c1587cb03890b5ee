# del of a property without a deleter
class C:
    @property
    def x(self):
        return 1


del C().x
