"""Definite assignment (runtime/compiler/flow.py): UnboundLocalError checks only where needed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from runtime import isa
from runtime.compiler.codegen import Compiler

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = sorted((ROOT / "scripts" / "benchmarks").glob("*.py"))


def _count(src: str, op: str) -> int:
    prog = Compiler("app.py").module(ast.parse(src))
    return sum(1 for fn in prog.functions for w in fn.code if isa.decode(w)[0].name == op)


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.stem)
def test_benchmarks_have_no_checks(path: Path) -> None:
    """The hot paths pay nothing: every local read in the benchmarks is provably assigned."""
    src = path.read_text()
    assert _count(src, "CHKLOCAL") == 0
    assert _count(src, "UNBIND") == 0


@pytest.mark.parametrize("src,checks", [
    ("def f(a):\n    b = a\n    return a + b\n", 0),
    ("def f(a):\n    if a:\n        b = 1\n    else:\n        b = 2\n    return b\n", 0),
    ("def f(a):\n    if a:\n        b = 1\n    return b\n", 1),
    ("def f(a):\n    for i in a:\n        x = i\n    return x\n", 1),
    ("def f(a):\n    while True:\n        x = a\n        break\n    return x\n", 0),
    ("def f(a):\n    for i in a:\n        if i:\n            x = i\n            break\n    else:\n        x = 0\n"
     "    return x\n", 0),
    ("def f(a):\n    try:\n        x = a()\n    except E:\n        x = 0\n    return x\n", 0),
    ("def f(a):\n    try:\n        x = a()\n    except E:\n        pass\n    return x\n", 1),
    ("def f(a):\n    try:\n        pass\n    except E as e:\n        print(e)\n    return e\n", 1),
    ("def f(a):\n    with a as m:\n        x = 1\n    return m, x\n", 1),
    ("def f(a):\n    if a:\n        return 1\n    x = 2\n    return x\n", 0),
    ("def f():\n    return [y for x in range(3) for y in range(x)]\n", 0),
])
def test_checks_emitted(src: str, checks: int) -> None:
    assert _count(src, "CHKLOCAL") == checks
