"""CALLG (a call that loads its global callee itself): which calls the
compiler fuses, a crafted CALLG of an unbound global, tracebacks.  The
differential programs tests/programs/fn_global_call_*.py check the semantics."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from runtime import bcformat, isa
from runtime.compiler.codegen import Compiler


def _program(src: str) -> bcformat.Program:
    return Compiler("t.py").module(ast.parse(src))


def _calls(src: str) -> dict[str, list[str]]:
    """Per function: the globals it calls with CALLG, and those it loads with GETGLOBAL ("=name")."""
    p = _program(src)
    names = [p.strings[s].decode() for s in p.globals]
    out: dict[str, list[str]] = {}
    for fn in p.functions:
        got = []
        for word in fn.code:
            op, _, b, _ = isa.decode(word)
            if op.name == "CALLG":
                got.append(names[b >> 4])
            elif op.name == "GETGLOBAL":
                got.append("=" + names[b])
        out[p.strings[fn.name].decode()] = got
    return out


def test_fused_only_where_bound_and_constant() -> None:
    src = """
def early():
    return f(1)           # f may still be unbound when early() runs
def f(n):
    return f(n - 1)       # its own body: f is bound
def g():
    return f(len(str(2)))
h = 1
def k():
    return h(1), print(1)
print(f(2), len([]))
"""
    c = _calls(src)
    assert c["early"] == ["=f"]
    assert c["f"] == ["f"]
    assert c["g"] == ["str", "len", "f"]          # in code order: inner calls first
    assert c["k"] == ["=h", "=print"]                 # h: assigned, not a def; print: no inline path
    assert c["<module>"] == ["=print", "f", "len"]


def test_not_fused_when_rebound_or_shadowed() -> None:
    src = """
def f(x):
    return x
def deco(fn):
    return fn
@deco
def d(x):
    return d(x)
def g():
    global f2
    f2 = 1
def f2():
    return f2(), f(1)
def uses_len():
    return len([])
class C:
    def len(self):         # a method named len binds 'len' too (over-approximation)
        return 0
    y = f(1)               # in a class body: names go through the class namespace
for f3 in []:
    pass
def f3():
    return f3()
def kw():
    return f(x=1), f(*[1]), f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
def local_f(f):
    return f(1)
"""
    c = _calls(src)
    assert c["d"] == ["=d"]
    assert c["f2"] == ["=f2", "f"]
    assert c["uses_len"] == ["=len"]
    assert "=f" in c["<module>"]
    assert c["f3"] == ["=f3"]
    assert c["kw"] == ["=f", "=f", "=f"]
    assert c["local_f"] == []


def test_crafted_callg_of_an_unbound_global(drift_vm: Path, tmp_path: Path) -> None:
    """The compiler never emits it, but the VM must raise NameError, like GETGLOBAL."""
    p = _program("def h():\n    return nope(7)\nh()\n")
    fn = p.functions[1]
    ops = [isa.decode(w) for w in fn.code]
    gi = next(b for op, _, b, _ in ops if op.name == "GETGLOBAL")
    at = next(k for k, (op, *_) in enumerate(ops) if op.name == "GETGLOBAL")
    call = next(k for k, (op, *_) in enumerate(ops) if op.name == "CALL")
    a = ops[call][1]
    fn.code[at] = isa.encode("NOP")
    fn.code[call] = isa.encode("CALLG", a, gi << 4 | 1)
    f = tmp_path / "x.dbc"
    f.write_bytes(bcformat.write(p))
    r = subprocess.run([str(drift_vm), str(f)], capture_output=True, text=True, timeout=10)
    assert r.returncode == 1
    assert r.stderr.endswith("NameError: name 'nope' is not defined\n")
    assert 'line 2, in h' in r.stderr


def test_traceback_lines_as_cpython(drift_vm: Path, tmp_path: Path) -> None:
    src = tmp_path / "tb.py"
    src.write_text("def fails(x):\n    return 10 // x\n\n\ndef main():\n    return len(\n        str(\n"
                   "            fails(\n                0)))\n\n\nmain()\n")
    from runtime.compiler import compile_file

    dbc = tmp_path / "tb.dbc"
    dbc.write_bytes(compile_file(str(src)))
    assert "CALLG" in "".join(isa.decode(w)[0].name for w in _program(src.read_text()).functions[2].code)
    got = subprocess.run([str(drift_vm), str(dbc)], capture_output=True, text=True, timeout=10).stderr
    want = subprocess.run([sys.executable, str(src)], capture_output=True, text=True, timeout=10).stderr
    frames = re.compile(r'line (\d+), in (\S+)')
    assert frames.findall(got) == frames.findall(want)
