# isdecimal, isnumeric, isidentifier, isascii, isprintable on ASCII text.
print("123".isdecimal(), "12a".isnumeric(), "".isdecimal(), "007".isnumeric())
print("_a1".isidentifier(), "1a".isidentifier(), "".isidentifier(), "a b".isidentifier())
print("abc".isascii(), "".isascii(), "a\tb".isprintable(), "ok!".isprintable())
