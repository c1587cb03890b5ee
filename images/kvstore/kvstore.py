"""A key-value store appliance, served over the host channel (no network).

Requests and answers are one line each (see runtime/channel.py):
    PING              -> PONG
    PUT key value     -> OK            (value: the rest of the line, may hold spaces)
    GET key           -> OK value | NOTFOUND
    DEL key           -> OK | NOTFOUND
    COUNT             -> OK n          (number of keys)
    STATS             -> OK requests   (requests served so far, this one included)
    QUIT              -> BYE, and the appliance exits with status 0
anything else       -> ERR ...
"""
import drift

store = {}
served = 0


def split_word(text):
    sp = text.find(" ")
    if sp < 0:
        return text, ""
    return text[:sp], text[sp + 1:]


def handle(req):
    global served
    served += 1
    cmd, rest = split_word(req)
    if cmd == "GET":
        if rest in store:
            return "OK " + store[rest]
        return "NOTFOUND"
    if cmd == "PUT":
        key, value = split_word(rest)
        if key == "":
            return "ERR PUT needs a key"
        store[key] = value
        return "OK"
    if cmd == "DEL":
        if rest in store:
            del store[rest]
            return "OK"
        return "NOTFOUND"
    if cmd == "COUNT":
        return "OK " + str(len(store))
    if cmd == "STATS":
        return "OK " + str(served)
    if cmd == "PING":
        return "PONG"
    return "ERR unknown command " + repr(cmd)


drift.send("READY")
while True:
    request = drift.recv()
    if request == "QUIT":
        drift.send("BYE")
        break
    drift.send(handle(request))
