"""Definite assignment (runtime/compiler/flow.py): UnboundLocalError checks only where needed."""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest

from runtime import isa
from runtime.compiler import compile_source
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


# ---- differential: random functions mixing every kind of control flow -------------------------
_VARS = ["a", "b", "c"]
_SUP = ("class Sup:\n    def __init__(self, n):\n        self.n = n\n    def __enter__(self):\n        return self\n"
        "    def __exit__(self, t, v, tb):\n        return t is KeyError\n")


def _block(rng: random.Random, depth: int, in_loop: bool, out: list[str], ind: int) -> None:
    for _ in range(rng.randint(1, 3)):
        _stmt(rng, depth, in_loop, out, ind)


def _stmt(rng: random.Random, depth: int, in_loop: bool, out: list[str], ind: int) -> None:  # noqa: C901
    p, v = "    " * ind, rng.choice(_VARS)
    k = rng.randint(0, 12 if depth < 3 else 3)
    if k <= 1:
        out.append(f"{p}{v} = {rng.randint(0, 9)}")
    elif k == 2:
        out.append(f"{p}try:\n{p}    out.append({v})\n{p}except UnboundLocalError:\n{p}    out.append('U{v}')")
    elif k == 4:
        out.append(f"{p}if n % {rng.randint(2, 4)} == {rng.randint(0, 1)}:")
        _block(rng, depth + 1, in_loop, out, ind + 1)
        if rng.random() < 0.5:
            out.append(f"{p}else:")
            _block(rng, depth + 1, in_loop, out, ind + 1)
    elif k == 5:
        out.append(f"{p}for i{depth} in range(n % 3):")
        _block(rng, depth + 1, True, out, ind + 1)
        if rng.random() < 0.3:
            out.append(f"{p}else:")
            _block(rng, depth + 1, in_loop, out, ind + 1)
    elif k == 6:
        out.append(f"{p}w{depth} = 0\n{p}while w{depth} < n % 3 or {rng.choice(['False', 'n == 1'])}:")
        out.append(f"{p}    w{depth} += 1\n{p}    if w{depth} > 5:\n{p}        break")
        _block(rng, depth + 1, True, out, ind + 1)
    elif k == 7 and in_loop:
        out.append(f"{p}if n % 2 == {rng.randint(0, 1)}:\n{p}    {rng.choice(['break', 'continue'])}")
    elif k == 8:
        out.append(f"{p}try:")
        _block(rng, depth + 1, in_loop, out, ind + 1)
        out.append(f"{p}    if n % 3 == {rng.randint(0, 2)}:\n{p}        raise ValueError(n)")
        h = rng.random()
        if h < 0.6:
            name = rng.choice([*_VARS, None, None])
            out.append(f"{p}except ValueError" + (f" as {name}:" if name else ":"))
            _block(rng, depth + 1, in_loop, out, ind + 1)
        if h >= 0.4:
            out.append(f"{p}finally:")
            _block(rng, depth + 1, in_loop, out, ind + 1)
    elif k == 9:
        out.append(f"{p}with Sup(n):")
        _block(rng, depth + 1, in_loop, out, ind + 1)
        out.append(f"{p}    if n % 2:\n{p}        raise KeyError(n)")
    elif k == 10:
        out.append(f"{p}try:\n{p}    {v} += 1\n{p}except UnboundLocalError:\n{p}    out.append('A{v}')")
    elif k == 11 and depth > 0:
        out.append(f"{p}if n == {rng.randint(0, 5)}:\n{p}    return out")
    else:
        out.append(f"{p}{v} = n")


def _program(seed: int, nfuncs: int) -> str:
    rng = random.Random(seed)
    parts = [_SUP]
    for f in range(nfuncs):
        lines = [f"def f{f}(n):", "    out = []"]
        _block(rng, 0, False, lines, 1)
        for v in _VARS:
            lines.append(f"    try:\n        out.append({v})\n"
                         f"    except UnboundLocalError:\n        out.append('U{v}')")
        lines.append("    return out")
        parts.append("\n".join(lines))
        parts.append(f"for n in range(7):\n    try:\n        print({f}, n, f{f}(n))\n"
                     f"    except Exception as ex:\n        print({f}, n, type(ex).__name__)")
    return "\n\n".join(parts) + "\n"


@pytest.mark.parametrize("seed", range(6))
def test_random_flow_matches_cpython(seed: int, drift_vm: Path, tmp_path: Path) -> None:
    """Reads after if/loops/break/try/except-as/finally/with agree with CPython (UnboundLocalError or
    the value): an unsound 'definitely assigned' would read a stale or unbound register."""
    src = _program(seed, 40)
    py = tmp_path / "p.py"
    py.write_text(src)
    dbc = tmp_path / "p.dbc"
    dbc.write_bytes(compile_source(src, "p.py"))
    want = subprocess.run([sys.executable, str(py)], capture_output=True, timeout=60)
    got = subprocess.run([str(drift_vm), str(dbc)], capture_output=True, timeout=60)
    assert got.stdout.decode() == want.stdout.decode()
