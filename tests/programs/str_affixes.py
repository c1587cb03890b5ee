# removeprefix, removesuffix, expandtabs.
print("prefix-body".removeprefix("prefix-"), "body.py".removesuffix(".py"), "x".removeprefix("y"), "aa".removesuffix(""))
print(repr("a\tbc\tdef\tg".expandtabs()), repr("a\tb".expandtabs(4)), repr("ab\n\tc".expandtabs(2)), repr("\t".expandtabs(0)))
