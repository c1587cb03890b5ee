# Nested dicts and lists inside dicts.
db = {}
db["alice"] = {"age": 30, "tags": ["admin"]}
db["bob"] = {"age": 25, "tags": []}
db["bob"]["tags"].append("dev")
db["alice"]["tags"].append("ops")
db["alice"]["age"] += 1
print(db)
for name in db:
    rec = db[name]
    print(name, rec["age"], len(rec["tags"]), ",".join(rec["tags"]))
tree = {"v": 1, "kids": [{"v": 2, "kids": []}, {"v": 3, "kids": [{"v": 4, "kids": []}]}]}


def tree_sum(node):
    s = node["v"]
    for k in node["kids"]:
        s += tree_sum(k)
    return s


print(tree_sum(tree))
