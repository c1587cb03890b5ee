# a custom exception overriding __str__ shows it in the traceback
class CodeError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code

    def __str__(self):
        return f"failed with code {self.code}"

try:
    raise CodeError(3)
except CodeError as e:
    print(e, e.args, repr(e))
raise CodeError(7)
