"""Differential tests: every program in tests/programs runs under CPython and
under Drift; stdout, the exit status and the last line of stderr (the
exception) must match.  All programs run in the hosted VM; a sample boots
under QEMU (TCG)."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from conftest import PROGRAMS, need_tool

from runtime.compiler import compile_file

ALL = sorted(PROGRAMS.glob("*.py"))
#: Booted under QEMU: errors, floats, strings, recursion, containers.
GUEST_SAMPLE = [p for p in ALL if p.stem in {
    "err_zero_division", "err_key_error", "float_repr", "float_format_spec", "str_fstring_align",
    "rec_hanoi", "dict_word_count", "list_primes_sieve", "algo_n_queens", "print_sep_end",
    "exc_context_chain", "cls_arith_dunders", "with_suppress", "exc_recursion_caught",
    "math_trig", "int_big_format", "set_literal_order", "cls_multiple_inheritance", "gen_close_finally",
}]


@cache
def cpython(path: Path) -> tuple[bytes, int, bytes]:
    p = subprocess.run([sys.executable, str(path)], capture_output=True, timeout=60, cwd=path.parent)
    return p.stdout, p.returncode, _last_line(p.stderr)


@cache
def cpython_traceback(path: Path) -> bool:
    """Whether CPython's stderr for the program starts with a traceback."""
    p = subprocess.run([sys.executable, str(path)], capture_output=True, timeout=60, cwd=path.parent)
    return p.stderr.startswith(b"Traceback (most recent call last):\n")


def _last_line(err: bytes) -> bytes:
    lines = err.strip().splitlines()
    return lines[-1] if lines else b""


def test_corpus_is_large_enough() -> None:
    assert len(ALL) >= 60
    assert len(GUEST_SAMPLE) >= 8


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_hosted_matches_cpython(path: Path, drift_vm: Path, tmp_path: Path) -> None:
    dbc = tmp_path / "p.dbc"
    dbc.write_bytes(compile_file(str(path)))
    got = subprocess.run([str(drift_vm), str(dbc)], capture_output=True, timeout=60)
    out, rc, last = cpython(path)
    assert got.stdout.decode() == out.decode()
    assert got.returncode == rc, got.stderr.decode()
    assert _last_line(got.stderr) == last
    if rc == 1 and cpython_traceback(path):  # not after sys.exit("message")
        assert got.stderr.startswith(b"Traceback (most recent call last):\n")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_hosted_gc_stress(path: Path, drift_vm: Path, tmp_path: Path) -> None:
    """The same with a collection at every safe point: a missed GC root shows up here."""
    dbc = tmp_path / "p.dbc"
    dbc.write_bytes(compile_file(str(path)))
    got = subprocess.run([str(drift_vm), "--gc-stress", str(dbc)], capture_output=True, timeout=120)
    out, rc, last = cpython(path)
    assert got.stdout.decode() == out.decode()
    assert got.returncode == rc, got.stderr.decode()
    assert _last_line(got.stderr) == last


@pytest.mark.parametrize("path", GUEST_SAMPLE, ids=lambda p: p.stem)
def test_guest_matches_cpython(path: Path, kernel: Path) -> None:
    need_tool("qemu-system-x86_64")
    got = subprocess.run([sys.executable, "-m", "runtime", "run", "--accel", "tcg", "--timeout", "60", str(path)],
                         capture_output=True, timeout=120)
    out, rc, last = cpython(path)
    assert got.stdout.decode() == out.decode(), got.stderr.decode()
    assert got.returncode == rc, got.stderr.decode()
    assert _last_line(got.stderr) == last
