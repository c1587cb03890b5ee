# Lists used as stacks and queues.


def balanced(s):
    stack = []
    pairs = {")": "(", "]": "[", "}": "{"}
    for ch in s:
        if ch in "([{":
            stack.append(ch)
        elif ch in ")]}":
            if len(stack) == 0:
                return False
            if stack.pop() != pairs[ch]:
                return False
    return len(stack) == 0


for s in ["()", "([]{})", "(]", "((", "", "a(b)c[d]", "}{"]:
    print(repr(s), balanced(s))

queue = [1]
order = []
while len(queue) > 0 and len(order) < 15:
    x = queue.pop(0)
    order.append(x)
    queue.append(2 * x)
    queue.append(2 * x + 1)
print(order)
print(len(queue))

stack = []
for i in range(5):
    stack.append(i * i)
while stack:
    print(stack.pop(), end=" ")
print()
