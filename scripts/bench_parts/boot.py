"""Image size and boot: images/hello against a do-nothing PVH kernel with the same QEMU flags."""

from __future__ import annotations

import re
import statistics
import subprocess
from collections.abc import Callable
from pathlib import Path

from runtime import build
from runtime.compiler import compile_file

from .common import OUT, ROOT, build_image, qemu_cmd, timed

TITLE = "image size, boot time against a do-nothing kernel, guest entry to first bytecode"


def bench_boot(img: Path, noop: Path, runs: int,
               cmd: Callable[[Path], list[str]] = qemu_cmd) -> dict[str, float]:
    """Boot to exit of images/hello against the do-nothing kernel, interleaved; medians.
    `cmd` makes the QEMU command line for a kernel (x86_64 microvm by default)."""
    hello_t: list[float] = []
    noop_t: list[float] = []
    for _ in range(runs):                       # interleaved, so both see the same machine
        t, p = timed(cmd(noop))
        assert p.returncode == 1, p
        noop_t.append(t)
        t, p = timed(cmd(img))
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


def run(quick: bool) -> dict[str, object]:
    runs = 3 if quick else 20
    img = build_image("images/hello", "hello")
    noop = build.kernel("x86_64").parent / "noop.elf"
    _, p = timed(qemu_cmd(img, memory="4M"))
    return {
        "image_bytes": img.stat().st_size,
        "kernel_bytes": build.kernel("x86_64").stat().st_size,
        "runs": runs,
        "boot": bench_boot(img, noop, runs),
        "guest_timing": bench_guest_timing(img, max(3, runs // 2)),
        "hosted_load_us": bench_hosted_load(max(3, runs // 2)),
        "small_memory_ok": p.returncode == 1 and b"Hello" in p.stdout,
    }


def report(r: dict[str, object]) -> str:
    b, g = r["boot"], r["guest_timing"]
    assert isinstance(b, dict) and isinstance(g, dict)
    return "\n".join([
        "Image and boot (QEMU TCG, microvm, `images/hello`):",
        "",
        "| figure | Drift | peer | ratio | goal |",
        "|---|---|---|---|---|",
        f"| image size, images/hello (kernel alone: {r['kernel_bytes']} B) | {r['image_bytes']} B | - | - "
        "| <= 65536 B |",
        f"| boot to exit, QEMU -kernel (median of {r['runs']}) | {b['hello_ms']:.1f} ms "
        f"| {b['noop_ms']:.1f} ms (noop kernel) | {b['ratio']:.3f} | <= 1.15 |",
        f"| guest: PVH entry to first bytecode, TCG (median) | {g['entry_to_bytecode_us']:.0f} us | - | - | < 100 us |",
        f"| the VM's part of it natively: drift-vm load to first bytecode (median) | {r['hosted_load_us']:.0f} us "
        "| - | - | |",
        f"| images/hello with --memory 4 | {'runs' if r['small_memory_ok'] else 'FAILS'} | - | - | runs |",
    ]) + "\n"
