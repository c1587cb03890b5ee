def f():
    class C:
        a = 1
        b = a + undefined_name
    return C


f()
