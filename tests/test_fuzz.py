"""Fuzzing of the abstract machine (tests/fuzz/README.md): the sanitizer
builds must report nothing on the program corpus and on every crash the
fuzzer ever found (tests/fuzz/regressions/), and a short libFuzzer run from
the seed corpus must find no crash.  Needs clang (scripts/setup installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROGRAMS, ROOT, need_tool

from runtime import paths
from runtime.status import STATUS

sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
from make_corpus import fixup, gc_stress, make_corpus  # noqa: E402

FUZZ = paths.BUILD / "fuzz"
REGRESSIONS = sorted((ROOT / "tests" / "fuzz" / "regressions").glob("*"))
#: What a run may end with: the program's own status, rejected bytecode, no memory.
ALLOWED = set(range(STATUS["USER_MAX"] + 1)) | {STATUS["BADCODE"], STATUS["NOMEM"]}
SANITIZER_MARKS = (b"Sanitizer", b"runtime error:", b"AddressSanitizer", b"LeakSanitizer")
ENV = dict(os.environ, ASAN_OPTIONS="abort_on_error=0", UBSAN_OPTIONS="print_stacktrace=1")
#: The harness's budgets (tests/fuzz/fuzz_vm.c): plain runs, and gc stress (with a 2 MiB arena).
FUEL, STRESS_FUEL = 20000, 2000


@pytest.fixture(scope="module")
def fuzz_build() -> Path:
    """build/fuzz/ with the harnesses and drift-vm-san, built if needed."""
    need_tool("clang")
    proc = subprocess.run(["make", "-s", "-C", str(ROOT / "guest"), f"B={paths.BUILD}", "fuzz"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return FUZZ


def run_san(build: Path, blob: bytes, tmp: Path, *flags: str, fuel: int = 0) -> subprocess.CompletedProcess[bytes]:
    """drift-vm-san on `blob`; fuel: its execution budget (0: unlimited)."""
    f = tmp / "in.dbc"
    f.write_bytes(blob)
    return subprocess.run([str(build / "drift-vm-san"), *flags, str(f)],
                          capture_output=True, timeout=120, env=dict(ENV, DRIFT_FUEL=str(fuel)))


def check_clean(r: subprocess.CompletedProcess[bytes], what: str) -> None:
    for mark in SANITIZER_MARKS:
        assert mark not in r.stderr, f"{what}:\n{r.stderr.decode(errors='replace')}"
    assert r.returncode in ALLOWED, f"{what}: status {r.returncode}\n{r.stderr.decode(errors='replace')[-2000:]}"


def test_corpus_under_sanitizers(fuzz_build: Path, tmp_path: Path) -> None:
    """Every compiling program of tests/programs, plain and with --gc-stress
    (the benchmarks, slow under ASan, are only fuzzing seeds)."""
    files = [f for f in make_corpus(tmp_path / "corpus") if f.name.startswith("programs-")]
    assert len(files) >= len(list(PROGRAMS.glob("*.py"))) // 2
    for f in files:
        for flags in ((), ("--gc-stress",)):
            check_clean(run_san(fuzz_build, f.read_bytes(), tmp_path, *flags), f"{f.name} {' '.join(flags)}")


def test_regressions_exist() -> None:
    assert len(REGRESSIONS) >= 2


@pytest.mark.parametrize("case", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_regression_drift_vm(fuzz_build: Path, tmp_path: Path, case: Path) -> None:
    """A crash input, as the harness saw it (header fixed up), through drift-vm-san."""
    blob = fixup(case.read_bytes())
    stress = ("--gc-stress", "--memory", "2")
    runs = [(stress, STRESS_FUEL), ((), FUEL)]
    for flags, fuel in runs if gc_stress(blob) else runs[::-1]:
        check_clean(run_san(fuzz_build, blob, tmp_path, *flags, fuel=fuel), f"{case.name} {' '.join(flags)}")


def test_regressions_harness(fuzz_build: Path) -> None:
    """Every crash input through the libFuzzer harnesses themselves (one run each)."""
    for harness in ("fuzz-fixup", "fuzz-raw"):
        r = subprocess.run([str(fuzz_build / harness), *map(str, REGRESSIONS)], capture_output=True, timeout=300,
                           env=ENV)
        assert r.returncode == 0, r.stderr.decode(errors="replace")[-4000:]


def test_short_fuzz_run(fuzz_build: Path, tmp_path: Path) -> None:
    """~20 s of fuzzing (two processes) from the seed corpus: no crash, no sanitizer report."""
    seeds = tmp_path / "seeds"
    make_corpus(seeds)
    procs = []
    for k, (harness, fork, secs) in enumerate((("fuzz-fixup", 2, 20), ("fuzz-raw", 0, 5))):
        work = tmp_path / f"work{k}"
        work.mkdir()
        # Fork mode goes on after a timeout (a hang is allowed), stops at a crash.  An input counts as a
        # hang after 25 s: a mutated benchmark can take seconds under ASan on a loaded machine.
        procs.append(subprocess.Popen(
            [str(fuzz_build / harness), f"-fork={fork}", "-ignore_timeouts=1", "-ignore_ooms=1",
             f"-max_total_time={secs}", "-max_len=65536", "-timeout=25", f"-seed={k + 1}",
             f"-artifact_prefix={tmp_path}/crash{k}-", str(work), str(seeds)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV))
    found = FUZZ / "found"
    for p in procs:
        _, err = p.communicate(timeout=120)
        if p.returncode != 0:              # keep what it found (tmp_path is cleaned up by later runs)
            found.mkdir(exist_ok=True)
            kept = [shutil.copy(a, found) for a in tmp_path.glob("crash*-*")]
            raise AssertionError(f"inputs kept: {kept}\n" + err.decode(errors="replace")[-4000:])


STALE_SRC = """
def h(n):
    a = [n] * 3
    b = {"k": a, "s": "x" * n}
    c = (a, b, [b])
    return len(c)


def g(n):
    x = n + 1
    y = [x, x]
    z = (y, x)
    return len(z)


def caller(i):
    big = [i] * 8
    u = [big, "s" * i, {"k": big}, big, (big, i), big, [big], big, big, {i: big}]
    t = g(i)
    return (big, t, u)


for i in range(60):
    h(i)
    r = caller(i)
    print(len(repr(r)), end=" ")
"""


def _stale_programs() -> list[bytes]:
    """Hostile variants of STALE_SRC reading registers nothing wrote: g returns its
    highest temporary before writing it (stale from h's frame, which ran at the same
    depth), and caller reads its temporaries above g's window after the call."""
    import ast

    from runtime import bcformat, isa
    from runtime.compiler.codegen import Compiler

    out = []
    for fname, pc in (("g", 0), ("caller", None)):
        p = Compiler("t.py").module(ast.parse(STALE_SRC))
        fi = next(k for k, f in enumerate(p.functions) if p.strings[f.name] == fname.encode())
        fn = p.functions[fi]
        code = fn.code
        if pc is None:       # after the CALL of g: return the register at the top of caller's frame
            pc = next(k for k, w in enumerate(code) if isa.decode(w)[0].name in ("CALL", "CALLG")) + 1
        code[pc] = isa.encode("RETURN", fn.nregs - 1)
        out.append(bcformat.write(p))
    return out


def test_stale_registers_are_safe(fuzz_build: Path, tmp_path: Path) -> None:
    """The CALL (and CALLG) fast path does not clear a callee's registers (docs/vm.md): a read
    before any write must still find a valid value, also after collections."""
    for k, blob in enumerate(_stale_programs()):
        for flags in ((), ("--gc-stress",)):
            r = run_san(fuzz_build, blob, tmp_path, *flags)
            check_clean(r, f"stale variant {k} {' '.join(flags)}")
            assert r.returncode in ALLOWED, r.stderr
