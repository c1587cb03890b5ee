# Breadth-first and depth-first search over a dict adjacency list.
graph = {
    "a": ["b", "c"],
    "b": ["d"],
    "c": ["d", "e"],
    "d": ["f"],
    "e": ["f"],
    "f": [],
    "g": ["a"],
}


def bfs(start):
    dist = {start: 0}
    queue = [start]
    order = []
    while queue:
        node = queue.pop(0)
        order.append(node)
        for nxt in graph[node]:
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return order, dist


def dfs(node, seen, out):
    seen[node] = True
    out.append(node)
    for nxt in graph[node]:
        if nxt not in seen:
            dfs(nxt, seen, out)
    return out


order, dist = bfs("a")
print(order)
print(dist)
print(dfs("g", {}, []))
print(bfs("f"))
