"""Helpers shared by the benchmark parts: paths, timing, the plain QEMU command line."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runtime import paths  # noqa: E402

BENCH_DIR = ROOT / "scripts" / "benchmarks"
OUT = paths.BUILD / "bench"
DRIFT = ROOT / ".venv" / "bin" / "drift"


def qemu_cmd(kernel: Path, memory: str = "16M", append: str = "") -> list[str]:
    """The plain command line of docs/guest-abi.md (microvm, TCG), stdout only."""
    cmd = ["qemu-system-x86_64", "-M", "microvm,x-option-roms=off,rtc=off", "-nodefaults",
           "-no-user-config", "-nographic", "-no-reboot", "-m", memory, "-cpu", "max", "-accel", "tcg",
           "-chardev", "stdio,id=out", "-serial", "chardev:out",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", str(kernel)]
    return cmd + (["-append", append] if append else [])


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Run cmd to completion; (wall seconds, the completed process)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - t0, p


def best_of(cmd: list[str], runs: int, expect: bytes | None, status: int = 0) -> float:
    """Best wall time of `runs` runs.  Raises RuntimeError on a wrong status or output."""
    times = []
    for _ in range(runs):
        t, p = timed(cmd)
        if p.returncode != status:
            last = (p.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
            raise RuntimeError(f"exit status {p.returncode}: {last} ({' '.join(cmd)})")
        if expect is not None and p.stdout != expect:
            raise RuntimeError(f"{cmd}: output differs from CPython's")
        times.append(t)
    return min(times)


def build_image(src: str, name: str, *extra: str) -> Path:
    """`drift build SRC -o build/bench/NAME.elf EXTRA...`; the image path."""
    OUT.mkdir(parents=True, exist_ok=True)
    img = OUT / f"{name}.elf"
    subprocess.run([str(DRIFT), "build", src, "-o", str(img), *extra], check=True, cwd=ROOT, capture_output=True)
    return img


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs))
