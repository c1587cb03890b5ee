# A singly linked list built from dicts.


def push(head, v):
    return {"val": v, "next": head}


def to_list(node):
    out = []
    while node is not None:
        out.append(node["val"])
        node = node["next"]
    return out


def reverse(node):
    prev = None
    while node is not None:
        nxt = node["next"]
        node["next"] = prev
        prev = node
        node = nxt
    return prev


head = None
for i in range(6):
    head = push(head, i * i)
print(to_list(head))
head = reverse(head)
print(to_list(head))
print(head["next"]["next"]["val"])
print(push(None, "x"))
