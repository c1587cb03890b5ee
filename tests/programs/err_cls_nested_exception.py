class Parser:
    class Error(Exception):
        def __str__(self):
            return "parse error at " + str(self.args[0])

    def parse(self, text):
        if not text:
            raise self.Error(0)
        return text


print(Parser().parse("x"))
try:
    Parser().parse("")
except Parser.Error as e:
    print("caught", e, repr(e), type(e).__qualname__)
Parser().parse("")
