"""Snapshots: size against live heap, time to write and to restore against heap
size (hosted drift-vm, native), and the pause a program sees when it migrates
x86_64 <-> aarch64 under TCG (drift migrate --arch), direct partitions and (as
root, with libvirtd installed) libvirt ones on a private libvirtd."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TITLE = "snapshot size vs live heap, snapshot/restore time vs heap, x86_64 <-> aarch64 migration pause (TCG)"

ROOT = Path(__file__).resolve().parent.parent.parent

#: Builds a heap of about `kib` KiB of live data (lists of small tuples), then spins.
HEAP = """rows = []
i = 0
while i < {n}:
    rows.append((i, i + 1))
    i += 1
print("built", len(rows))
k = 0
while k < {spin}:
    k += 1
print("done", k)
"""
#: Live bytes per row in the VM: a 32-byte tuple header + 2 x 16-byte values, a 16-byte list slot.
ROW_BYTES = 80


def run(quick: bool) -> dict[str, object]:
    sizes = [64, 1024, 4096] if quick else [64, 1024, 4096, 16384]
    guest = [256, 2048] if quick else [64, 512, 2048, 6144]
    hops = 2 if quick else 3
    res: dict[str, object] = {"hosted": hosted(sizes, 3 if quick else 7), "guest": migrations(guest, hops)}
    with _libvirtd() as uri:
        res["libvirt"] = migrations(guest[-1:], hops, uri) if uri.startswith("qemu") else uri
    return res


@contextmanager
def _libvirtd() -> Iterator[str]:
    """A private libvirtd (scripts/libvirtd) for the run: its URI, else why there is none."""
    import shutil

    if os.geteuid() != 0 or not shutil.which("libvirtd"):
        yield "skipped: needs root and libvirtd (scripts/setup)"
        return
    with tempfile.TemporaryDirectory() as t:
        script = ROOT / "scripts" / "libvirtd"
        p = subprocess.run([str(script), "start", t], capture_output=True, text=True, timeout=120, check=False)
        try:
            yield p.stdout.strip() if p.returncode == 0 else f"skipped: libvirtd did not start: {p.stderr[-200:]}"
        finally:
            subprocess.run([str(script), "stop", t], capture_output=True, timeout=120, check=False)


def _compile(src: str, tmp: Path, name: str) -> Path:
    from runtime.compiler import compile_source

    f = tmp / f"{name}.dbc"
    f.write_bytes(compile_source(src, f"{name}.py"))
    return f


def _vm(*args: str) -> subprocess.CompletedProcess[bytes]:
    from runtime import paths

    return subprocess.run([str(paths.hosted_vm()), *args], capture_output=True, timeout=600)


def _timing(err: bytes, key: str) -> int:
    for line in err.decode().splitlines():
        for word in line.split():
            if word.startswith(key + "="):
                return int(word.split("=")[1])
    raise RuntimeError(f"no {key} in drift-vm's output: {err.decode()[-300:]}")


def hosted(sizes_kib: list[int], reps: int) -> list[dict[str, object]]:
    """drift-vm: snapshot just after the heap is built; time to write it and to restore it."""
    out = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for kib in sizes_kib:
            n = kib * 1024 // ROW_BYTES
            dbc = _compile(HEAP.format(n=n, spin=1000), tmp, f"heap{kib}")
            build_only = _compile(HEAP.format(n=n, spin=0), tmp, f"build{kib}")
            points = int(_vm("--safe-points", str(build_only)).stderr.decode().split("safe_points=")[1].split()[0])
            snap = tmp / "s.dsnap"
            mem = str(max(64, kib * 4 // 1024 + 64))
            w, r = [], []
            for _ in range(reps):
                p = _vm("--memory", mem, "--timing", "--snapshot-at", str(points + 5), "-o", str(snap), str(dbc))
                w.append(_timing(p.stderr, "snapshot_ns"))
                q = _vm("--memory", mem, "--timing", "--restore", str(snap), str(dbc))
                if q.returncode != 0:
                    raise RuntimeError(q.stderr.decode())
                r.append(_timing(q.stderr, "restore_ns"))
            from runtime import snapshot

            data = snap.read_bytes()
            heap = int(snapshot.get(data, "heap_bytes"))
            out.append({"target_kib": kib, "live_heap_bytes": heap, "snapshot_bytes": len(data),
                        "ratio": round(len(data) / heap, 3), "write_ms": round(statistics.median(w) / 1e6, 2),
                        "restore_ms": round(statistics.median(r) / 1e6, 2)})
    return out


def _drift(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runtime", *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT)


def migrations(sizes_kib: list[int], hops: int, uri: str | None = None) -> list[dict[str, object]]:
    """drift migrate --arch: x86_64 -> aarch64 -> x86_64 ... of a running program, TCG; a libvirt
    partition on ``uri`` if given."""
    from runtime.api import Image

    out = []
    lv = ("--connect", uri) if uri else ()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        env = {**os.environ, "DRIFT_STATE_DIR": str(tmp / "state"), "DRIFT_LIBVIRT_STATE_DIR": str(tmp / "lv")}
        for kib in sizes_kib:
            n = kib * 1024 // ROW_BYTES
            src = tmp / f"heap{kib}.py"
            src.write_text(HEAP.format(n=n, spin=10**9))
            mem = max(8, kib * 3 // 1024 + 8)
            img = Image.build(src, tmp / f"heap{kib}.elf", memory_mib=mem).path
            name = f"h{kib}"
            r = _drift("run", "--detach", *lv, "--name", name, "--accel", "tcg", str(img), env=env)
            if r.returncode != 0:
                raise RuntimeError(r.stderr)
            deadline = time.monotonic() + 120
            while "built" not in _drift("logs", *lv, name, env=env).stdout:
                if time.monotonic() > deadline:
                    raise RuntimeError("the program never built its heap")
                time.sleep(0.2)
            try:
                arch = "x86_64"
                for _ in range(hops):
                    for to in ("aarch64", "x86_64"):
                        r = _drift("migrate", *lv, name, "--to", "local", "--arch", to, "--json", env=env)
                        if r.returncode != 0:
                            raise RuntimeError(r.stderr)
                        rep = json.loads(r.stdout)
                        out.append({"target_kib": kib, "from": arch, "to": to, **{
                            k: rep[k] for k in ("pause_ms", "snapshot_ms", "restore_ms", "snapshot_bytes",
                                                "live_heap_bytes", "wall_ms")}, "dest_boot": rep.get("dest_boot")})
                        arch = to
            finally:
                _drift("rm", *lv, "-f", name, env=env)
    return out


def report(res: dict[str, object]) -> str:
    hosted_rows = res["hosted"]
    guest_rows = res["guest"]
    assert isinstance(hosted_rows, list) and isinstance(guest_rows, list)
    lines = ["Snapshots (docs/snapshots.md). Hosted `drift-vm` (native): a program builds a heap of small",
             "tuples in a list, then a snapshot is written at the next safe point (`--snapshot-at`) and",
             "restored (`--restore`); times from `--timing` (write: compacting GC + serialise + SHA-256;",
             "restore: checksum, bytecode hash, every frame/object/Value checked, install), median.",
             "",
             "| live heap | snapshot | size / live | write | restore |",
             "|---:|---:|---:|---:|---:|"]
    for r in hosted_rows:
        lines.append(f"| {r['live_heap_bytes'] / 1024:.0f} KiB | {r['snapshot_bytes'] / 1024:.0f} KiB | "
                     f"{r['ratio']:.3f} | {r['write_ms']} ms | {r['restore_ms']} ms |")
    lines += ["",
              "Migration across architectures under TCG (`drift migrate NAME --to local --arch ARCH --json`),",
              "the same heap programs while they run. *pause* is what the program sees: from the source",
              "stopping at its safe point to the destination saying it runs (`ESC restored`); the",
              "destination QEMU is booted (program loaded and verified) before the pause starts.",
              "*snapshot*: pause until the snapshot is out of the source (guest write + QMP pmemsave +",
              "host check); *restore*: the rest (copy into the destination's RAM, its checks).",
              "",
              "| live heap | move | pause | snapshot | restore | snapshot bytes / live |",
              "|---:|---|---:|---:|---:|---:|"]
    for r in guest_rows:
        lines.append(f"| {r['live_heap_bytes'] / 1024:.0f} KiB | {r['from']} -> {r['to']} | {r['pause_ms']:.0f} ms | "
                     f"{r['snapshot_ms']:.0f} ms | {r['restore_ms']:.0f} ms | "
                     f"{r['snapshot_bytes'] / r['live_heap_bytes']:.3f} |")
    lv_rows = res.get("libvirt")
    lines += ["", "The same under the libvirt backend (`--connect URI`, a private `scripts/libvirtd`), the",
              "largest heap: the destination domain is booted ahead too, with shared memfd RAM the host",
              "writes the snapshot into (docs/snapshots.md); *boot* says whether it was (`before-pause`)",
              "or booted during the pause (`after-snapshot`, the fallback).", ""]
    if isinstance(lv_rows, list):
        lines += ["| live heap | move | pause | snapshot | restore | boot |", "|---:|---|---:|---:|---:|---|"]
        for r in lv_rows:
            lines.append(f"| {r['live_heap_bytes'] / 1024:.0f} KiB | {r['from']} -> {r['to']} | "
                         f"{r['pause_ms']:.0f} ms | {r['snapshot_ms']:.0f} ms | {r['restore_ms']:.0f} ms | "
                         f"{r['dest_boot']} |")
    else:
        lines.append(f"({lv_rows or 'not run'})")
    return "\n".join(lines) + "\n"
