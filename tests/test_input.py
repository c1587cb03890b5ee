"""input(): a line of stdin in the hosted VM (compared with CPython), EOFError at its end;
guests have no stdin, so input() raises EOFError there at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_tool

from runtime.compiler import compile_source

ECHO = """\
n = 0
try:
    while True:
        line = input("> " if n == 0 else "")
        n += 1
        print(repr(line), len(line))
except EOFError as e:
    print("EOFError:", e)
print(n, "lines")
"""

PROMPTS = """\
class P:
    def __str__(self):
        return "custom> "
a = input(P())
b = input(42)
c = input()
print([a, b, c])
"""

SUM = """\
total = 0
for _ in range(int(input())):
    total += int(input().strip())
print(total)
input()
"""

CASES = [
    ("echo", ECHO, b"hello\nw\xc3\xb6rld\n\nlast line without newline"),
    ("echo_crlf", ECHO, b"a\r\nb\r\n"),
    ("echo_empty", ECHO, b""),
    ("echo_long", ECHO, b"x" * 10000 + b"\n" + b"y" * 5000),
    ("prompts", PROMPTS, b"1\n2\n3\n"),
    ("uncaught_eof", SUM, b"3\n10\n 20\n30\n"),
]


def _last(err: bytes) -> bytes:
    lines = err.strip().splitlines()
    return lines[-1] if lines else b""


@pytest.mark.parametrize("name,src,stdin", CASES, ids=[c[0] for c in CASES])
def test_input_matches_cpython(name: str, src: str, stdin: bytes, drift_vm: Path, tmp_path: Path) -> None:
    py = tmp_path / "app.py"
    py.write_text(src)
    dbc = tmp_path / "app.dbc"
    dbc.write_bytes(compile_source(src, "app.py"))
    want = subprocess.run([sys.executable, str(py)], input=stdin, capture_output=True, timeout=60)
    got = subprocess.run([str(drift_vm), str(dbc)], input=stdin, capture_output=True, timeout=60)
    assert got.stdout == want.stdout
    assert got.returncode == want.returncode, got.stderr.decode()
    assert _last(got.stderr) == _last(want.stderr)


def test_input_invalid_utf8(drift_vm: Path, tmp_path: Path) -> None:
    dbc = tmp_path / "app.dbc"
    dbc.write_bytes(compile_source("try:\n    input()\nexcept ValueError as e:\n    print(type(e).__name__, e)\n"
                                   "print(repr(input()))\n", "app.py"))
    got = subprocess.run([str(drift_vm), str(dbc)], input=b"\xff\xfe\nok\n", capture_output=True, timeout=60)
    assert got.stdout == b"ValueError input() read a line that is not valid UTF-8\n'ok'\n"


def test_input_bad_arguments(drift_vm: Path, tmp_path: Path) -> None:
    dbc = tmp_path / "app.dbc"
    dbc.write_bytes(compile_source("for f in (lambda: input('a', 'b'), lambda: input(prompt='x')):\n"
                                   "    try:\n        f()\n    except TypeError as e:\n        print(e)\n", "app.py"))
    got = subprocess.run([str(drift_vm), str(dbc)], input=b"", capture_output=True, timeout=60)
    assert got.stdout == b"input expected at most 1 argument, got 2\ninput() takes no keyword arguments\n"


def test_guest_input_is_eof(tmp_path: Path, kernel: Path) -> None:
    need_tool("qemu-system-x86_64")
    app = tmp_path / "app.py"
    app.write_text("try:\n    input('prompt> ')\nexcept EOFError as e:\n    print('EOFError:', e)\n")
    got = subprocess.run([sys.executable, "-m", "runtime", "run", "--accel", "tcg", "--timeout", "60", str(app)],
                         capture_output=True, timeout=120)
    assert got.stdout == b"prompt> EOFError: EOF when reading a line\n", got.stderr.decode()
    assert got.returncode == 0
