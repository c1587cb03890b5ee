def append_to(item, bucket=[]):
    bucket.append(item)
    return bucket


print(append_to(1))
print(append_to(2))
print(append_to(3, []))
print(append_to(4))

n = 10


def snap(v=n):
    return v


n = 20
print(snap(), n)
