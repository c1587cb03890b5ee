# pow() with a zero modulus raises ValueError.
print(pow(3, 4, 5))
print(pow(3, 4, 0))
