# Every built-in function called by its global name in a program that never
# rebinds it: the compiler takes these names as bound from the start
# (runtime/compiler/codegen.py: _BUILTIN_FUNCS; len and str calls are CALLGs).


class Obj:
    x = 1


def main():
    o = Obj()
    print(len([1]), str(1), repr("a"), int("3"), float("2.5"), bool(0), abs(-3), min(1, 2), max(1, 2))
    print(sum([1, 2]), list((1,)), tuple([1]), dict([(1, 2)]), sorted([2, 1]), list(reversed([1, 2])))
    print(ord("a"), chr(98), divmod(7, 2), list(map(abs, [-1])), list(filter(bool, [0, 1])))
    print(next(iter([5])), any([0]), all([1]), hex(255), oct(8), bin(5), hash(1), pow(2, 10), format(3.5, ".2f"))
    print(sorted(set([3, 1])), sorted(frozenset([2])), bytes(3), list(enumerate("ab")), list(zip("ab", "cd")))
    print(round(2.567, 2), isinstance(1, int), issubclass(Obj, object), type(1), getattr(o, "x"), hasattr(o, "y"))
    setattr(o, "x", 5)
    print(o.x, range(3))


main()
print(len("module level"), str(2) + str(3))
