# bytes() of an int outside 0..255 raises ValueError.
print(bytes([1, 255]))
print(bytes([256]))
