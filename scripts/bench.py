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


# ---- partitions (issue: run, watch and control many guests) --------------------------------


def _pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _wait_ready(backend: object, name: str, timeout: float = 60) -> None:
    from runtime import channel

    b = backend  # DirectBackend
    deadline = time.monotonic() + timeout
    while channel.recv(b.channel_log(name), b.channel_cursor(name)) != "READY":  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise RuntimeError(f"partition {name} never said READY")
        time.sleep(0.005)


def bench_partitions(n_create: int, n_density: int, n_requests: int) -> dict[str, object]:
    """Creation rate, memory per idle partition under QEMU tunings, channel round trips."""
    import os
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    from runtime import channel
    from runtime.backend import PartitionSpec
    from runtime.partition import DirectBackend

    kv = OUT / "kvstore.elf"
    subprocess.run([str(ROOT / ".venv/bin/drift"), "build", "images/kvstore", "-o", str(kv), "--memory", "4"],
                   check=True, cwd=ROOT, capture_output=True)
    cores = os.cpu_count() or 1
    res: dict[str, object] = {"cores": cores}

    def run_set(backend: DirectBackend, names: list[str], workers: int) -> float:
        def one(name: str) -> None:
            backend.start(PartitionSpec(name=name, image=kv, memory_mib=4))
            _wait_ready(backend, name)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, names))
        return time.perf_counter() - t0

    def cleanup(backend: DirectBackend) -> None:
        for info in backend.list():
            if info.state in ("running", "paused"):
                backend.kill(info.name)
            backend.remove(info.name)

    # creation rate: started and first output (READY on the channel) seen
    with tempfile.TemporaryDirectory(prefix="drift-bench-") as d:
        b = DirectBackend(Path(d))
        try:
            wall = run_set(b, [f"c{i}" for i in range(n_create)], cores)
            res["create_per_s_per_core"] = n_create / wall / cores
            res["create_wall_s"] = wall
        finally:
            cleanup(b)

    # density: idle partitions (waiting in drift.recv(), CPUs halted), PSS of QEMU + its wrapper
    total_kib = int(Path("/proc/meminfo").read_text().split()[1])
    density = []
    for label, kw in (("QEMU defaults (anonymous RAM with THP, 1 GiB TB cache)", {"memfd": False}),
                      ("memfd RAM (Drift's default)", {"memfd": True}),
                      ("memfd RAM + tb-size=4", {"memfd": True, "tb_size_mib": 4})):
        with tempfile.TemporaryDirectory(prefix="drift-bench-") as d:
            b = DirectBackend(Path(d), **kw)  # type: ignore[arg-type]
            try:
                run_set(b, [f"d{i}" for i in range(n_density)], cores)
                time.sleep(1)
                pss = 0
                for info in b.list():
                    assert info.pid is not None
                    pss += _pss_kib(info.pid)
                    wrapper = Path(d) / "partitions" / info.name / "wrapper.pid"
                    if wrapper.exists():
                        pss += _pss_kib(int(wrapper.read_text()))
                per = pss / n_density
                density.append({"config": label, "pss_kib": per, "fits": int(total_kib / per)})
            finally:
                cleanup(b)
    res["density"] = density
    res["density_n"] = n_density

    # channel round trips to the key-value appliance
    with tempfile.TemporaryDirectory(prefix="drift-bench-") as d:
        b = DirectBackend(Path(d))
        try:
            run_set(b, ["kv"], 1)
            lat = []
            with channel.Connection(b.channel_socket("kv")) as c:
                t_all = time.perf_counter()
                for i in range(n_requests):
                    t = time.perf_counter()
                    c.request(f"PUT k{i % 100} v{i}")
                    lat.append(time.perf_counter() - t)
                wall = time.perf_counter() - t_all
            lat.sort()
            res["rtt_p50_us"] = lat[len(lat) // 2] * 1e6
            res["rtt_p99_us"] = lat[int(len(lat) * 0.99)] * 1e6
            res["requests_per_s"] = n_requests / wall
            res["requests"] = n_requests
        finally:
            cleanup(b)
    return res


def report_partitions(p: dict[str, object]) -> str:
    lines = [
        "",
        "Partitions (direct backend, TCG, `images/kvstore` with 4 MiB, idle = waiting in `drift.recv()`):",
        "",
        "| figure | value | goal |",
        "|---|---|---|",
        f"| creation rate, started and first output seen ({p['cores']} workers) "
        f"| {p['create_per_s_per_core']:.1f} /s per core | >= 5 |",
        f"| channel round trip to the kvstore, p50 / p99 ({p['requests']} requests) "
        f"| {p['rtt_p50_us']:.0f} us / {p['rtt_p99_us']:.0f} us | |",
        f"| requests per second, one client | {p['requests_per_s']:.0f} | |",
        "",
        f"Density: memory per idle partition (PSS of QEMU and its wrapper, {p['density_n']} running at once), "
        "and how many fit in this machine's RAM:",
        "",
        "| QEMU configuration | per partition | partitions in RAM | goal |",
        "|---|---|---|---|",
    ]
    for row in p["density"]:  # type: ignore[attr-defined]
        lines.append(f"| {row['config']} | {row['pss_kib'] / 1024:.1f} MiB | {row['fits']} | >= 1000 |")
    return "\n".join(lines) + "\n"


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
    ap.add_argument("--only", choices=("boot", "speed", "partitions"), action="append",
                    help="run only these parts (repeatable; default: all)")
    ns = ap.parse_args()
    runs_boot, runs_speed = (3, 1) if ns.quick else (20, 3)
    parts = set(ns.only or ("boot", "speed", "partitions"))
    img = build_hello()
    noop = build.kernel("x86_64").parent / "noop.elf"
    r: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {shutil.which('nproc') and subprocess.getoutput('nproc')} cores",
        "args": " --quick" if ns.quick else "",
        "runs_boot": runs_boot, "runs_speed": runs_speed,
        "image_bytes": img.stat().st_size,
    }
    if "boot" in parts:
        r["boot"] = bench_boot(img, noop, runs_boot)
        r["guest_timing"] = bench_guest_timing(img, max(3, runs_boot // 2))
        r["hosted_load_us"] = bench_hosted_load(max(3, runs_boot // 2))
        r["small_memory"] = bench_small_memory(img)
    if "speed" in parts:
        r["speed"] = bench_speed(SPEED_PROGRAMS, runs_speed)
    if "partitions" in parts:
        r["partitions"] = bench_partitions(8, 20, 200) if ns.quick else bench_partitions(40, 100, 2000)
    text = ""
    if "boot" in parts and "speed" in parts:
        text += report(r)
    if "partitions" in parts:
        text += report_partitions(r["partitions"])  # type: ignore[arg-type]
    if ns.json:
        print(json.dumps(r, indent=2))
    else:
        print(text)
    if ns.write_doc:
        if not ({"boot", "speed", "partitions"} <= parts):
            print("bench: --write-doc needs a full run (no --only)", file=sys.stderr)
            return 2
        write_doc(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
