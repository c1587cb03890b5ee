# raise C where C has an __init__: the class is called without arguments
class Timeout(Exception):
    def __init__(self):
        super().__init__("timed out")
        self.seconds = 30

try:
    raise Timeout
except Timeout as e:
    print(e, e.seconds, e.args)

class NeedsArg(Exception):
    def __init__(self, code):
        self.code = code

raise NeedsArg
