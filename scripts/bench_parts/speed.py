"""Interpreter speed: drift-vm on compiled bytecode against CPython 3.11 and Lua 5.4, same algorithm."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

from runtime import build
from runtime.compiler import CompileError, compile_file

from .common import BENCH_DIR, OUT, best_of, geomean

TITLE = "drift-vm against CPython 3.11 and Lua 5.4 on scripts/benchmarks"
#: The suite, in report order (scripts/benchmarks/NAME.{py,lua}).
PROGRAMS = ["fib", "loop", "nbody", "spectral_norm", "fannkuch", "binary_trees", "method_calls",
            "string_build", "dict_count"]


def compile_program(name: str) -> tuple[float, bytes | None, str]:
    """(compile seconds, bytecode or None, why not) for scripts/benchmarks/NAME.py."""
    t0 = time.perf_counter()
    try:
        blob = compile_file(str(BENCH_DIR / f"{name}.py"))
    except CompileError as e:
        return time.perf_counter() - t0, None, str(e)
    return time.perf_counter() - t0, blob, ""


def run(quick: bool) -> dict[str, object]:
    runs = 1 if quick else 3
    vm = build.hosted_vm()
    lua = shutil.which("lua5.4")
    rows = []
    OUT.mkdir(parents=True, exist_ok=True)
    for name in PROGRAMS:
        py = BENCH_DIR / f"{name}.py"
        compile_s, blob, why = compile_program(name)
        row: dict[str, object] = {"program": name, "compile_ms": compile_s * 1e3}
        row["cpython_s"] = best_of([sys.executable, str(py)], runs, None)
        row["lua_s"] = best_of([lua, str(BENCH_DIR / f"{name}.lua")], runs, None) if lua else None
        if blob is None:
            row["drift_s"], row["error"] = None, why
        else:
            dbc = OUT / f"{name}.dbc"
            dbc.write_bytes(blob)
            expect = subprocess.run([sys.executable, str(py)], capture_output=True, check=True).stdout
            try:
                row["drift_s"] = best_of([str(vm), str(dbc)], runs, expect)
            except RuntimeError as e:
                row["drift_s"], row["error"] = None, str(e)
        rows.append(row)
    return {"runs": runs, "rows": rows}


def report(r: dict[str, object]) -> str:
    lines = [
        f"Interpreter speed: `drift-vm` on compiled bytecode (best of {r['runs']}), "
        "ratio = peer time / Drift time (> 1: Drift is faster).",
        "",
        "| program | compile | drift-vm | CPython 3.11 | Lua 5.4 | vs CPython | vs Lua |",
        "|---|---|---|---|---|---|---|",
    ]
    vs_py, vs_lua = [], []
    for row in r["rows"]:  # type: ignore[attr-defined]
        d, p, lu = row["drift_s"], row["cpython_s"], row["lua_s"]
        lua_t = f"{lu:.3f} s" if lu else "-"
        if d is None:
            lines.append(f"| {row['program']} | - | does not run: {row['error'].splitlines()[0][:80]} | {p:.3f} s "
                         f"| {lua_t} | - | - |")
            continue
        vs_py.append(p / d)
        if lu:
            vs_lua.append(lu / d)
        lines.append(f"| {row['program']} | {row['compile_ms']:.0f} ms | {d:.3f} s | {p:.3f} s | {lua_t} "
                     f"| {p / d:.2f}x | {f'{lu / d:.2f}x' if lu else '-'} |")
    if vs_py:
        n = len(vs_py)
        lines.append(f"| **geometric mean** ({n} of {len(r['rows'])} programs) | | | | "  # type: ignore[arg-type]
                     f"| **{geomean(vs_py):.2f}x** | **{geomean(vs_lua):.2f}x** |" if vs_lua else "")
    return "\n".join(lines) + "\n"
