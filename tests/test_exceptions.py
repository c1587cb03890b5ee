"""Exceptions the VM raises when a resource runs out are catchable inside
the program, and never crash the guest: MemoryError (heap exhausted by
lists, strings, dicts) and RecursionError, with and without --gc-stress,
in small arenas."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from runtime.compiler import compile_source

PROGRAM = '''
big = []
try:
    while True:
        big.append([0] * 1000)
except MemoryError:
    n = len(big)
    big = None
    print("lists", n > 0)
s = "x"
try:
    while True:
        s = s + s
except MemoryError as e:
    print("str", repr(e))
d = {}
try:
    i = 0
    while True:
        d[i] = str(i) * 10
        i += 1
except MemoryError:
    d = None
    print("dict")
print("after", sum([1, 2, 3]))
def deep(n):
    try:
        return deep(n + 1)
    except RecursionError:
        return n
print("depth", deep(0) > 100)
'''
EXPECTED = b"lists True\nstr MemoryError()\ndict\nafter 6\ndepth True\n"


@pytest.mark.parametrize("flags", [("--memory", "2"), ("--memory", "4"), ("--gc-stress", "--memory", "4")],
                         ids=["2MiB", "4MiB", "4MiB-gc-stress"])
def test_memory_and_recursion_errors_are_catchable(drift_vm: Path, tmp_path: Path, flags: tuple[str, ...]) -> None:
    dbc = tmp_path / "m.dbc"
    dbc.write_bytes(compile_source(PROGRAM, "m.py"))
    r = subprocess.run([str(drift_vm), *flags, str(dbc)], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == EXPECTED


def test_uncaught_memory_error_is_a_traceback(drift_vm: Path, tmp_path: Path) -> None:
    dbc = tmp_path / "m.dbc"
    dbc.write_bytes(compile_source("x = []\nwhile True:\n    x.append('y' * 1000)\n", "m.py"))
    r = subprocess.run([str(drift_vm), "--memory", "4", str(dbc)], capture_output=True, timeout=60)
    assert r.returncode == 1
    assert r.stderr.startswith(b"Traceback (most recent call last):\n")
    assert r.stderr.strip().splitlines()[-1] == b"MemoryError"


def test_memory_and_recursion_errors_in_the_guest(tmp_path: Path, kernel: Path) -> None:
    """The same program booted under QEMU (TCG) with 8 MiB: the guest survives."""
    import sys

    from conftest import need_tool
    need_tool("qemu-system-x86_64")
    app = tmp_path / "m.py"
    app.write_text(PROGRAM)
    r = subprocess.run([sys.executable, "-m", "runtime", "run", "--accel", "tcg", "--memory", "8", "--timeout", "120",
                        str(app)], capture_output=True, timeout=240)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == EXPECTED


def test_subclassing_builtin_types_is_reported(drift_vm: Path, tmp_path: Path) -> None:
    """A documented difference: classes cannot derive from list/dict/int..."""
    dbc = tmp_path / "s.dbc"
    dbc.write_bytes(compile_source("class MyList(list):\n    pass\n", "s.py"))
    r = subprocess.run([str(drift_vm), str(dbc)], capture_output=True, timeout=60)
    assert r.returncode == 1
    last = r.stderr.strip().splitlines()[-1]
    assert last == b"NotImplementedError: subclassing the built-in type 'list' is not supported"
