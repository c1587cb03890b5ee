"""Drift's benchmarks, each measured side by side with its peer in the same run.

- image size of images/hello;
- boot: QEMU booting images/hello against QEMU booting a do-nothing kernel
  (build/x86_64/noop.elf) with the same flags, interleaved, medians;
- the guest's own time from the PVH entry to the first bytecode instruction;
- images/hello with 4 MiB of guest memory;
- interpreter speed: drift-vm on compiled bytecode against CPython and Lua 5.4
  running the same algorithm (scripts/benchmarks/NAME.{py,lua}).

Run through ``scripts/bench``; ``--write-doc`` rewrites the figures section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from runtime import build, paths  # noqa: E402
from runtime.compiler import compile_file  # noqa: E402

BENCH_DIR = ROOT / "scripts" / "benchmarks"
OUT = paths.BUILD / "bench"
SPEED_PROGRAMS = ["fib", "loop", "fannkuch", "binary_trees", "string_build", "dict_count"]


def qemu_cmd(kernel: Path, memory: str = "16M", append: str = "") -> list[str]:
    """The plain command line of docs/guest-abi.md (microvm, TCG), stdout only."""
    cmd = ["qemu-system-x86_64", "-M", "microvm,x-option-roms=off,rtc=off", "-nodefaults",
           "-no-user-config", "-nographic", "-no-reboot", "-m", memory, "-cpu", "max", "-accel", "tcg",
           "-chardev", "stdio,id=out", "-serial", "chardev:out",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", str(kernel)]
    return cmd + (["-append", append] if append else [])


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - t0, p


def build_hello() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    img = OUT / "hello.elf"
    subprocess.run([str(ROOT / ".venv/bin/drift"), "build", "images/hello", "-o", str(img)],
                   check=True, cwd=ROOT, capture_output=True)
    return img


def bench_boot(img: Path, noop: Path, runs: int) -> dict[str, float]:
    hello_t: list[float] = []
    noop_t: list[float] = []
    for _ in range(runs):                       # interleaved, so both see the same machine
        t, p = timed(qemu_cmd(noop))
        assert p.returncode == 1, p
        noop_t.append(t)
        t, p = timed(qemu_cmd(img))
        assert p.returncode == 1 and b"Hello, Drift!" in p.stdout, p
        hello_t.append(t)
    h, n = statistics.median(hello_t), statistics.median(noop_t)
    return {"hello_ms": h * 1e3, "noop_ms": n * 1e3, "ratio": h / n}


def bench_guest_timing(img: Path, runs: int) -> dict[str, float]:
    vals = []
    for _ in range(runs):
        _, p = timed(qemu_cmd(img, append="drift.timing"))
        m = re.search(rb"entry_to_bytecode_ns=(\d+)", p.stdout + p.stderr)
        assert m, p
        vals.append(int(m.group(1)))
    return {"entry_to_bytecode_us": statistics.median(vals) / 1e3, "min_us": min(vals) / 1e3}


def bench_hosted_load(runs: int) -> float:
    """The same load path (vm_run to the first instruction) natively, in drift-vm: microseconds."""
    dbc = OUT / "hello.dbc"
    dbc.write_bytes(compile_file(str(ROOT / "images" / "hello" / "hello.py")))
    vals = []
    for _ in range(runs):
        p = subprocess.run([str(build.hosted_vm()), "--timing", str(dbc)], capture_output=True, check=True)
        m = re.search(rb"load_to_bytecode_ns=(\d+)", p.stderr)
        assert m, p
        vals.append(int(m.group(1)))
    return statistics.median(vals) / 1e3


def bench_small_memory(img: Path) -> dict[str, object]:
    _, p = timed(qemu_cmd(img, memory="4M"))
    return {"memory_mib": 4, "status": (p.returncode - 1) // 2, "ok": p.returncode == 1 and b"Hello" in p.stdout}


def best_of(cmd: list[str], runs: int, expect: bytes | None) -> float:
    times = []
    for _ in range(runs):
        t, p = timed(cmd)
        if p.returncode != 0:
            raise RuntimeError(f"{cmd} failed: {p.stderr.decode()[-500:]}")
        if expect is not None and p.stdout != expect:
            raise RuntimeError(f"{cmd}: output differs from CPython's")
        times.append(t)
    return min(times)


def bench_speed(programs: list[str], runs: int) -> list[dict[str, object]]:
    vm = build.hosted_vm()
    lua = shutil.which("lua5.4")
    rows = []
    for name in programs:
        py = BENCH_DIR / f"{name}.py"
        t0 = time.perf_counter()
        dbc = OUT / f"{name}.dbc"
        dbc.write_bytes(compile_file(str(py)))
        compile_s = time.perf_counter() - t0
        expect = subprocess.run([sys.executable, str(py)], capture_output=True, check=True).stdout
        row: dict[str, object] = {"program": name, "compile_ms": compile_s * 1e3}
        row["drift_s"] = best_of([str(vm), str(dbc)], runs, expect)
        row["cpython_s"] = best_of([sys.executable, str(py)], runs, None)
        row["lua_s"] = best_of([lua, str(BENCH_DIR / f"{name}.lua")], runs, None) if lua else None
        rows.append(row)
    return rows


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def report(r: dict[str, object]) -> str:
    b = r["boot"]
    g = r["guest_timing"]
    assert isinstance(b, dict) and isinstance(g, dict)
    lines = [
        f"Measured {r['date']} on {r['machine']} with `scripts/bench{r['args']}` (QEMU TCG, microvm).",
        "",
        "| figure | Drift | peer | ratio | goal |",
        "|---|---|---|---|---|",
        f"| image size, images/hello | {r['image_bytes']} B | - | - | <= 65536 B |",
        f"| boot to exit, QEMU -kernel (median of {r['runs_boot']}) | {b['hello_ms']:.1f} ms "
        f"| {b['noop_ms']:.1f} ms (noop kernel) | {b['ratio']:.3f} | <= 1.15 |",
        f"| guest: PVH entry to first bytecode, TCG (median) | {g['entry_to_bytecode_us']:.0f} us | - | - | < 100 us |",
        f"| the VM's part of it natively: drift-vm load to first bytecode (median) | {r['hosted_load_us']:.0f} us "
        "| - | - | |",
        f"| images/hello with --memory 4 | {'runs' if r['small_memory']['ok'] else 'FAILS'} | - | - | runs |",  # type: ignore[index]
        "",
        "Interpreter speed: `drift-vm` on compiled bytecode (best of "
        f"{r['runs_speed']}), ratio = peer time / Drift time (> 1: Drift is faster).",
        "",
        "| program | compile | drift-vm | CPython 3.11 | Lua 5.4 | vs CPython | vs Lua |",
        "|---|---|---|---|---|---|---|",
    ]
    vs_py, vs_lua = [], []
    for row in r["speed"]:  # type: ignore[attr-defined]
        d, p, lu = row["drift_s"], row["cpython_s"], row["lua_s"]
        vs_py.append(p / d)
        if lu:
            vs_lua.append(lu / d)
        lua_cells = f"{lu:.3f} s | {lu / d:.2f}x" if lu else "- | -"
        lines.append(f"| {row['program']} | {row['compile_ms']:.0f} ms | {d:.3f} s | {p:.3f} s | "
                     f"{lua_cells.split(' | ')[0]} | {p / d:.2f}x | {lua_cells.split(' | ')[1]} |")
    lines.append(f"| **geometric mean** | | | | | **{geomean(vs_py):.2f}x** | "
                 f"**{geomean(vs_lua):.2f}x** |" if vs_lua else "")
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    doc = ROOT / "docs" / "benchmarks.md"
    old = doc.read_text()
    start, end = "<!-- figures:start -->", "<!-- figures:end -->"
    new = old[:old.index(start) + len(start)] + "\n" + text + old[old.index(end):]
    doc.write_text(new)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--write-doc", action="store_true", help="update docs/benchmarks.md")
    ns = ap.parse_args()
    runs_boot, runs_speed = (3, 1) if ns.quick else (20, 3)
    img = build_hello()
    noop = build.kernel("x86_64").parent / "noop.elf"
    r: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {shutil.which('nproc') and subprocess.getoutput('nproc')} cores",
        "args": " --quick" if ns.quick else "",
        "runs_boot": runs_boot, "runs_speed": runs_speed,
        "image_bytes": img.stat().st_size,
        "boot": bench_boot(img, noop, runs_boot),
        "guest_timing": bench_guest_timing(img, max(3, runs_boot // 2)),
        "hosted_load_us": bench_hosted_load(max(3, runs_boot // 2)),
        "small_memory": bench_small_memory(img),
        "speed": bench_speed(SPEED_PROGRAMS, runs_speed),
    }
    if ns.json:
        print(json.dumps(r, indent=2))
    else:
        print(report(r))
    if ns.write_doc:
        write_doc(report(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
