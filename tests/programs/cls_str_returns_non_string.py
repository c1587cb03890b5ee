# __str__ must return a str
class Bad:
    def __str__(self):
        return 42

print(str(Bad()))
