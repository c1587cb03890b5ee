# a linked list built from instances
class Node:
    def __init__(self, value, next_node):
        self.value = value
        self.next = next_node

class Stack:
    def __init__(self):
        self.head = None
        self.size = 0

    def push(self, v):
        self.head = Node(v, self.head)
        self.size += 1

    def pop(self):
        if self.head is None:
            raise IndexError("pop from empty stack")
        v = self.head.value
        self.head = self.head.next
        self.size -= 1
        return v

s = Stack()
for i in range(5):
    s.push(i * i)
out = []
while s.size:
    out.append(s.pop())
print(out)
s.pop()
