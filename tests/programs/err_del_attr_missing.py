# del of an attribute an instance does not have
class C:
    def __init__(self):
        self.y = 1


c = C()
del c.y
del c.y
