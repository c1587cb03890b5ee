"""The baseline compiler (guest/vm/jit.h, hosted x86-64): it runs, and it
changes nothing a program can observe.  Every differential program already
runs compiled (tests/test_programs.py compares them with CPython); here the
same programs must give byte-identical stdout, stderr (tracebacks) and exit
status with the compiler off (--no-jit), and snapshots must move between the
two modes.  tests/programs/jit_hand_back_*.py exercise the hand-backs."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path

import pytest
from conftest import PROGRAMS

from runtime.compiler import compile_file
from runtime.status import STATUS

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="the compiler targets x86-64 hosts")

ALL = sorted(PROGRAMS.glob("*.py"))
#: Compared both ways: the hand-back programs and every 4th program of the corpus.
SAMPLE = [p for p in ALL if p.stem.startswith("jit_")] + ALL[::4]

LOOP = """
def f(n):
    t = 0
    for i in range(n):
        t += i * i
    return t
for k in range(5):
    print(f(20000 + k))
"""


def _dbc(tmp_path: Path, src: Path | str, name: str = "p") -> Path:
    if isinstance(src, str):
        py = tmp_path / f"{name}.py"
        py.write_text(src)
        src = py
    out = tmp_path / f"{name}.dbc"
    out.write_bytes(compile_file(src))
    return out


def _run(vm: Path, *args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(vm), *map(str, args)], capture_output=True, timeout=120,
                          env={**os.environ, **(env or {})})


def _stats(stderr: bytes) -> dict[str, int]:
    m = re.search(rb"jit_compile_ns=(\d+) jit_compiled=(\d+) jit_instructions=(\d+) jit_bytes=(\d+)", stderr)
    assert m, stderr
    return dict(zip(["ns", "compiled", "instructions", "bytes"], map(int, m.groups()), strict=True))


def test_compiles_and_can_be_turned_off(drift_vm: Path, tmp_path: Path) -> None:
    dbc = _dbc(tmp_path, LOOP)
    on = _stats(_run(drift_vm, "--timing", dbc).stderr)
    assert 0 < on["compiled"] <= on["instructions"] and on["bytes"] > 0
    assert _stats(_run(drift_vm, "--timing", "--no-jit", dbc).stderr)["compiled"] == 0
    assert _stats(_run(drift_vm, "--timing", dbc, env={"DRIFT_JIT": "0"}).stderr)["compiled"] == 0


@pytest.mark.parametrize("prog", SAMPLE, ids=lambda p: p.stem)
def test_same_as_interpreter(drift_vm: Path, tmp_path: Path, prog: Path) -> None:
    dbc = _dbc(tmp_path, prog, prog.stem)
    stdin = (prog.parent / (prog.stem + ".stdin"))
    inp = stdin.read_bytes() if stdin.exists() else b""
    run = lambda *a: subprocess.run([str(drift_vm), *a, str(dbc)], input=inp, capture_output=True, timeout=120)  # noqa: E731
    jit, interp = run(), run("--no-jit")
    assert (jit.returncode, jit.stdout, jit.stderr) == (interp.returncode, interp.stdout, interp.stderr)


@pytest.mark.parametrize("snap_mode,restore_mode", [((), ("--no-jit",)), (("--no-jit",), ())])
def test_snapshot_moves_between_modes(drift_vm: Path, tmp_path: Path, snap_mode: tuple[str, ...],
                                      restore_mode: tuple[str, ...]) -> None:
    """A snapshot taken in a compiled loop resumes interpreted, and back: the
    safe points are the same in both modes, so is the output."""
    dbc = _dbc(tmp_path, LOOP)
    full = _run(drift_vm, dbc)
    def safe_points(*mode: str) -> int:
        return int(re.findall(rb"safe_points=(\d+)", _run(drift_vm, *mode, "--safe-points", dbc).stderr)[0])
    points = safe_points(*snap_mode)
    assert points > 2 and points == safe_points("--no-jit") == safe_points()
    snap = tmp_path / "s.dsnap"
    first = _run(drift_vm, *snap_mode, "--snapshot-at", str(points // 2), "-o", snap, dbc)
    assert first.returncode == STATUS["SNAPSTOP"] and snap.exists(), first.stderr
    rest = _run(drift_vm, *restore_mode, "--restore", snap, dbc)
    assert rest.returncode == 0, rest.stderr
    assert first.stdout + rest.stdout == full.stdout
