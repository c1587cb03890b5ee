# a small expression parser with error recovery: exceptions across
# recursive methods, finally, re-raise with context
class ParseError(Exception):
    def __init__(self, msg, pos):
        super().__init__(f"{msg} at {pos}")
        self.pos = pos

class Parser:
    def __init__(self, text):
        self.text = text.replace(" ", "")
        self.pos = 0
        self.depth = 0

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def eat(self, c):
        if self.peek() != c:
            raise ParseError(f"expected {c!r}", self.pos)
        self.pos += 1

    def expr(self):
        v = self.term()
        while self.peek() in ("+", "-"):
            op = self.peek()
            self.pos += 1
            r = self.term()
            v = v + r if op == "+" else v - r
        return v

    def term(self):
        v = self.factor()
        while self.peek() in ("*", "/"):
            op = self.peek()
            self.pos += 1
            r = self.factor()
            try:
                v = v * r if op == "*" else v // r
            except ZeroDivisionError as e:
                raise ParseError("division by zero", self.pos) from e
        return v

    def factor(self):
        c = self.peek()
        if c == "(":
            self.depth += 1
            try:
                self.pos += 1
                v = self.expr()
                self.eat(")")
                return v
            finally:
                self.depth -= 1
        start = self.pos
        while self.peek().isdigit():
            self.pos += 1
        if start == self.pos:
            raise ParseError("expected a number", self.pos)
        return int(self.text[start:self.pos])

def evaluate(s):
    p = Parser(s)
    try:
        v = p.expr()
        if p.pos != len(p.text):
            raise ParseError("trailing input", p.pos)
        return v
    except ParseError as e:
        return f"error: {e} (depth {p.depth}, cause {type(e.__cause__).__name__})"

for s in ["1+2*3", "(1+2)*3", "2*(3+4)*5", "10/(5-5)", "(1+2", "1+", "7 7", "((2))*((3))"]:
    print(s, "=>", evaluate(s))
Parser("1/0").expr()
