# unary minus on an instance without __neg__
class A:
    pass

print(-A())
