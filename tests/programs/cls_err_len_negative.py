# __len__ must return a non-negative int
class L:
    def __len__(self):
        return -1

len(L())
