# an uncaught custom exception prints its class name and message
class ValidationError(ValueError):
    pass

def validate(age):
    if age < 0:
        raise ValidationError("age must be >= 0")

validate(5)
print("ok")
validate(-1)
