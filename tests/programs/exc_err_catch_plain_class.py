# a class is not an exception base unless it derives from BaseException
class NotAnError:
    pass

try:
    raise NotAnError()
except TypeError as e:
    print(e)
try:
    1 / 0
except NotAnError:
    pass
