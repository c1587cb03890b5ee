# Comparisons across types and chained comparisons.
print(1 == 1.0, 1 != 1.0, 0 == False, 1 == True)
print(1 == "1", None == 0, None == None, [] == [])
print("a" < "b", "abc" < "abd", "ab" < "abc", "B" < "a")
print([1, 2] == [1, 2], [1, 2] != [2, 1], (1, 2) == (1, 2))
print(1 < 2 < 3, 3 > 2 > 2, 1 <= 1 <= 1, 1 < 3 > 2)
print(True < 2, False < True, 0.5 < True)
x = 5
print(0 < x < 10, 0 < x < 4, x == 5 == 5.0)
print(None is None, None is not None, x is None, x is not None)
print({"a": 1} == {"a": 1}, {"a": 1} == {"a": 2})
print((1, 2) == (1, 2.0), [1, [2, 3]] == [1, [2, 3]])
print("abc" == "abc", "abc" != "abd")
print(-1 < -0.5 < 0)
