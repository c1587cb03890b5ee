# getattr/setattr/hasattr with defaults
class Config:
    debug = False

    def __init__(self):
        self.level = 3

c = Config()
print(getattr(c, "level"), getattr(c, "debug"), getattr(c, "missing", "default"))
setattr(c, "name", "prod")
print(c.name, hasattr(c, "name"), hasattr(c, "nothing"), hasattr(Config, "debug"))
for attr in ["level", "name"]:
    setattr(c, attr, getattr(c, attr) * 2)
print(c.level, c.name)
print(getattr(Config, "debug"))
getattr(c, "absent")
