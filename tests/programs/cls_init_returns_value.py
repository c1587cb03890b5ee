# __init__ must return None
class Bad:
    def __init__(self):
        return 5

Bad()
