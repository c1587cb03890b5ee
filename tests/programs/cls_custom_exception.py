# custom exception classes with extra attributes
class AppError(Exception):
    pass

class HttpError(AppError):
    def __init__(self, status, reason):
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason

def fetch(code):
    if code != 200:
        raise HttpError(code, "Not Found")
    return "body"

print(fetch(200))
try:
    fetch(404)
except AppError as e:
    print(type(e).__name__, e.status, e.reason, str(e), e.args)
    print(isinstance(e, Exception), isinstance(e, HttpError))
