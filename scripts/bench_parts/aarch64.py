"""The aarch64 guest (QEMU virt, TCG): image size, boot against its do-nothing kernel, guest entry to
first bytecode, the channel round trip, and a few speed programs against the x86_64 guest."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from runtime import build, qemu

from .boot import bench_boot
from .common import BENCH_DIR, OUT, best_of, build_image, qemu_cmd, timed

TITLE = "aarch64 guest: image size, boot against its noop kernel, entry to first bytecode, channel, speed vs x86_64"
#: Speed programs run on both guests (short ones: TCG of both, boot included).
SPEED = ["fib", "loop", "dict_count", "string_build"]
MEMORY_MIB = 64


def a64_cmd(kernel: Path, memory: str = "16M", append: str = "", stderr: str | None = None) -> list[str]:
    """The plain aarch64 command line of docs/guest-abi.md (virt, TCG, semihosting exit), stdout only."""
    cmd = ["qemu-system-aarch64", "-M", "virt,gic-version=2", "-nodefaults", "-no-user-config", "-nographic",
           "-no-reboot", "-m", memory, "-cpu", "max", "-accel", "tcg",
           "-semihosting-config", qemu.SEMIHOSTING, "-chardev", "stdio,id=out", "-serial", "chardev:out"]
    if stderr is not None:
        cmd += ["-chardev", f"file,id=err,path={stderr}",
                "-device", f"pci-serial,chardev=err,addr={qemu.PCI_SLOT_STDERR}"]
    return cmd + ["-kernel", str(kernel)] + (["-append", append] if append else [])


def bench_guest_timing(img: Path, runs: int) -> dict[str, float]:
    vals = []
    err = OUT / "a64-timing.err"
    for _ in range(runs):
        err.unlink(missing_ok=True)
        timed(a64_cmd(img, append="drift.timing", stderr=str(err)))
        m = re.search(r"entry_to_bytecode_ns=(\d+)", err.read_text())
        assert m, err.read_text()
        vals.append(int(m.group(1)))
    return {"entry_to_bytecode_us": statistics.median(vals) / 1e3, "min_us": min(vals) / 1e3}


def bench_channel(img: Path, requests: int) -> dict[str, float]:
    """Median request/answer round trip to images/kvstore in an aarch64 partition (direct backend)."""
    from runtime import Partition, channel
    from runtime.partition import DirectBackend

    part = Partition.run(img, name=f"bench-a64-{int(time.time())}", backend=DirectBackend())
    try:
        info = part.info()
        sock = Path(str(info.channel))
        assert part.recv(wait=30) == "READY", "no READY from the aarch64 kvstore"
        times = []
        with channel.Connection(sock, timeout=20) as c:
            for i in range(requests):
                t0 = time.perf_counter()
                assert c.request(f"PUT k{i} v") == "OK"
                times.append(time.perf_counter() - t0)
            c.request("QUIT")
        return {"round_trip_us": statistics.median(times) * 1e6}
    finally:
        part.remove(force=True)


def bench_speed(runs: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name in SPEED:
        py = BENCH_DIR / f"{name}.py"
        expect = subprocess.run([sys.executable, str(py)], capture_output=True, check=True).stdout
        try:
            x86 = build_image(str(py), f"guest-{name}", "--memory", str(MEMORY_MIB))
            a64 = build_image(str(py), f"a64-{name}", "--arch", "aarch64", "--memory", str(MEMORY_MIB))
            tx = best_of(qemu_cmd(x86, memory=f"{MEMORY_MIB}M"), runs, expect, status=1)
            ta = best_of(a64_cmd(a64, memory=f"{MEMORY_MIB}M"), runs, expect, status=1)
        except (RuntimeError, subprocess.CalledProcessError) as e:
            rows.append({"program": name, "error": str(e)})
            continue
        rows.append({"program": name, "x86_64_s": tx, "aarch64_s": ta})
    return rows


def run(quick: bool) -> dict[str, object]:
    runs = 3 if quick else 20
    img = build_image("images/hello", "hello-aarch64", "--arch", "aarch64")
    kernel = build.kernel("aarch64")
    kv = build_image("images/kvstore", "kvstore-aarch64", "--arch", "aarch64", "--memory", "16")
    _, p = timed(a64_cmd(img, memory="3M"))
    return {
        "image_bytes": img.stat().st_size,
        "kernel_bytes": kernel.stat().st_size,
        "x86_64_image_bytes": build_image("images/hello", "hello").stat().st_size,
        "runs": runs,
        "boot": bench_boot(img, kernel.parent / "noop.elf", runs, a64_cmd),
        "guest_timing": bench_guest_timing(img, max(3, runs // 2)),
        "channel": bench_channel(kv, 50 if quick else 500),
        "speed": bench_speed(1 if quick else 2),
        "small_memory_ok": p.returncode == 1 and b"Hello" in p.stdout,
    }


def report(r: dict[str, object]) -> str:
    b, g, c = r["boot"], r["guest_timing"], r["channel"]
    assert isinstance(b, dict) and isinstance(g, dict) and isinstance(c, dict)
    lines = [
        "aarch64 guest (QEMU TCG on this x86_64 host, `-M virt`, `images/hello`; the plain command line "
        "of docs/guest-abi.md):",
        "",
        "| figure | aarch64 | peer | ratio | goal |",
        "|---|---|---|---|---|",
        f"| image size, images/hello (kernel alone: {r['kernel_bytes']} B) | {r['image_bytes']} B "
        f"| {r['x86_64_image_bytes']} B (x86_64) | {r['image_bytes'] / r['x86_64_image_bytes']:.2f} | |",  # type: ignore[operator]
        f"| boot to exit, QEMU -kernel (median of {r['runs']}) | {b['hello_ms']:.1f} ms "
        f"| {b['noop_ms']:.1f} ms (aarch64 noop kernel) | {b['ratio']:.3f} | <= 1.15 |",
        f"| guest: `_start` to first bytecode, TCG (median) | {g['entry_to_bytecode_us']:.0f} us | - | - | |",
        f"| channel round trip, kvstore partition (median) | {c['round_trip_us']:.0f} us | - | - | |",
        f"| images/hello with -m 3M | {'runs' if r['small_memory_ok'] else 'FAILS'} | - | - | runs |",
        "",
        f"Speed programs booted on both guests (TCG, {MEMORY_MIB} MiB, wall time QEMU start to exit, best of "
        f"{'2' if r['runs'] != 3 else '1'}):",
        "",
        "| program | x86_64 guest | aarch64 guest | aarch64 / x86_64 |",
        "|---|---|---|---|",
    ]
    for row in r["speed"]:  # type: ignore[attr-defined]
        if "error" in row:
            lines.append(f"| {row['program']} | does not run: {row['error'].splitlines()[0][:80]} | | |")
            continue
        lines.append(f"| {row['program']} | {row['x86_64_s']:.3f} s | {row['aarch64_s']:.3f} s "
                     f"| {row['aarch64_s'] / row['x86_64_s']:.2f} |")
    return "\n".join(lines) + "\n"
