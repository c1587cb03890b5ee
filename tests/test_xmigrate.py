"""Guest snapshots and migration across CPU architectures (docs/snapshots.md):
a long-running program (output all along, a ~1 MB live heap, 150 frames of
recursion in flight) moved x86_64 -> aarch64 -> x86_64 -> aarch64 -> x86_64
mid-run prints exactly what CPython prints; drift snapshot / drift restore
carry a program across architectures; corrupt, truncated, foreign and
other-version snapshots are refused with a clear message.  Real QEMU (TCG);
every CLI step is its own process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, need_tool

from runtime import Image, snapshot
from runtime.partition import process_alive
from runtime.status import STATUS

LONGRUN = ROOT / "tests" / "snapshot_programs" / "longrun.py"
#: Long enough under TCG (~seconds) that a snapshot lands mid-run however fast the VM gets.
COUNT_INNER = 8000
COUNT = f"""i = 0
while i < 3000:
    s = 0
    for k in range({COUNT_INNER}):
        s += k * i
    print('line', i, s)
    i += 1
"""
OTHER = "print('other')\n"


def drift(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runtime", *args], capture_output=True, text=True,
                          timeout=timeout, env=os.environ.copy())


@pytest.fixture
def state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private DRIFT_STATE_DIR; every QEMU left in it is killed afterwards."""
    need_tool("qemu-system-x86_64")
    need_tool("qemu-system-aarch64")
    root = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("DRIFT_STATE_DIR", str(root))
    yield root
    parts = root / "partitions"
    for entry in os.listdir(parts) if parts.exists() else []:
        try:
            pid = int((parts / entry / "pid").read_text())
        except (OSError, ValueError):
            continue
        if process_alive(pid, None) and b"qemu-system" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGKILL)


def _wait_output(name: str, text: str, timeout: float = 60) -> None:
    """Wait until the partition's stdout contains `text` (it is mid-run)."""
    deadline = time.monotonic() + timeout
    while text not in drift("logs", name).stdout:
        assert time.monotonic() < deadline, f"{name} never printed {text!r}"
        time.sleep(0.1)


def _wait_stopped(name: str, timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        info = json.loads(drift("inspect", name, "--json").stdout)
        if info["state"] != "running" or time.monotonic() > deadline:
            return dict(info)
        time.sleep(0.2)


def test_cross_arch_migrations_mid_run(state: Path, tmp_path: Path) -> None:
    img = Image.build(LONGRUN, tmp_path / "longrun.elf", memory_mib=16).path
    want = subprocess.run([sys.executable, str(LONGRUN)], capture_output=True, check=True).stdout.decode()
    r = drift("run", "--detach", "--name", "lr", "--accel", "tcg", str(img))
    assert r.returncode == 0, r.stderr
    lines = 0
    for arch, source in (("aarch64", "x86_64"), ("x86_64", "aarch64"), ("aarch64", "x86_64"), ("x86_64", "aarch64")):
        lines += 100                         # hop once the program has made progress on this side
        _wait_output("lr", f"\n{lines} ")
        r = drift("migrate", "lr", "--to", "local", "--arch", arch, "--json")
        assert r.returncode == 0, r.stderr
        report = json.loads(r.stdout)
        assert report["status"] == "completed"
        assert (report["source_arch"], report["dest_arch"]) == (source, arch)
        assert report["snapshot_bytes"] <= 1.5 * report["live_heap_bytes"] + 64 * 1024
        assert report["live_heap_bytes"] > 500_000 and report["pause_ms"] > 0
        lines = len(drift("logs", "lr").stdout.splitlines())
    info = _wait_stopped("lr")
    assert info["state"] == "stopped" and info["exit_status"] == 0, info
    assert info["arch"] == "x86_64"
    out = drift("logs", "lr").stdout
    assert out == want                       # every line exactly once, in order
    assert "step" not in drift("logs", "lr").stderr


def test_snapshot_stop_and_restore_elsewhere(state: Path, tmp_path: Path) -> None:
    (tmp_path / "count.py").write_text(COUNT)
    img = Image.build(tmp_path / "count.py", tmp_path / "count.elf", memory_mib=8).path
    assert drift("run", "--detach", "--name", "c", "--accel", "tcg", str(img)).returncode == 0
    _wait_output("c", "line 20 ")
    snap = tmp_path / "c.dsnap"
    r = drift("snapshot", "c", "-o", str(snap), "--stop", "--json")
    assert r.returncode == 0, r.stderr
    taken = json.loads(r.stdout)
    assert taken["writer_arch"] == "x86_64" and taken["stopped"] and taken["snapshot_bytes"] == snap.stat().st_size
    info = _wait_stopped("c")
    assert info["state"] == "stopped" and info["exit_status"] == STATUS["SNAPSTOP"]
    before = drift("logs", "c").stdout
    r = drift("restore", str(snap), "--arch", "aarch64", "--name", "c2")
    assert r.returncode == 0, r.stderr
    want = "".join(f"line {i} {sum(k * i for k in range(COUNT_INNER))}\n" for i in range(3000))
    assert before + r.stdout == want


def test_corrupt_and_mismatched_snapshots_refused(state: Path, tmp_path: Path) -> None:
    (tmp_path / "count.py").write_text(COUNT)
    (tmp_path / "other.py").write_text(OTHER)
    img = Image.build(tmp_path / "count.py", tmp_path / "count.elf", memory_mib=8).path
    assert drift("run", "--detach", "--name", "c", "--accel", "tcg", str(img)).returncode == 0
    _wait_output("c", "line 20 ")
    snap = tmp_path / "c.dsnap"
    assert drift("snapshot", "c", "-o", str(snap)).returncode == 0     # it goes on
    data = snap.read_bytes()
    bad = tmp_path / "bad.dsnap"
    cases = [
        (data[:-100], "truncated"),
        (data[:-64] + bytes(b ^ 1 for b in data[-64:]), "corrupt"),
        (b"XXXX" + data[4:], "not a Drift snapshot"),
    ]
    versioned = bytearray(data)
    snapshot.put(versioned, "version", 99)
    cases.append((snapshot.seal(bytes(versioned)), "format version 99 is not supported"))
    for blob, message in cases:
        bad.write_bytes(blob)
        r = drift("restore", str(bad), "--detach")
        assert r.returncode == 66 and message in r.stderr, (message, r.stderr)
    r = drift("restore", str(snap), "--image", str(tmp_path / "other.py"), "--detach")
    assert r.returncode == 66 and "another program" in r.stderr, r.stderr
    drift("rm", "-f", "c")


def test_guest_refuses_a_forged_snapshot(state: Path, tmp_path: Path) -> None:
    """Valid checksum, hostile content: the guest VM refuses it (BADSNAP), no crash."""
    (tmp_path / "count.py").write_text(COUNT)
    img = Image.build(tmp_path / "count.py", tmp_path / "count.elf", memory_mib=8).path
    assert drift("run", "--detach", "--name", "c", "--accel", "tcg", str(img)).returncode == 0
    _wait_output("c", "line 20 ")
    snap = tmp_path / "c.dsnap"
    assert drift("snapshot", "c", "-o", str(snap), "--stop").returncode == 0
    forged = bytearray(snap.read_bytes())
    off = int(snapshot.get(bytes(forged), "frames_off"))
    forged[off:off + 4] = (10**6).to_bytes(4, "little")        # frame 0's function index
    bad = tmp_path / "forged.dsnap"
    bad.write_bytes(snapshot.seal(bytes(forged)))
    for arch in ("x86_64", "aarch64"):
        r = drift("restore", str(bad), "--arch", arch, "--name", f"f-{arch}")
        assert r.returncode == STATUS["BADSNAP"], r.stderr
        assert "snapshot refused: snapshot frame: bad function" in r.stderr


BIG = """rows = []
i = 0
while i < 60000:
    rows.append((i, i + 1))
    i += 1
print("built")
k = 0
while k < 30000000:
    k += 1
print("done", len(rows), k)
"""


def test_failed_migration_leaves_the_source_running(state: Path, tmp_path: Path) -> None:
    """A heap too big to snapshot in its arena: the move fails cleanly and the program goes on."""
    (tmp_path / "big.py").write_text(BIG)
    img = Image.build(tmp_path / "big.py", tmp_path / "big.elf", memory_mib=8).path
    assert drift("run", "--detach", "--name", "b", "--accel", "tcg", str(img)).returncode == 0
    deadline = time.monotonic() + 60
    while "built" not in drift("logs", "b").stdout and time.monotonic() < deadline:
        time.sleep(0.2)
    r = drift("migrate", "b", "--to", "local", "--arch", "aarch64", "--json")
    assert r.returncode == 72, r.stderr                          # MigrationError
    assert "not enough free memory" in r.stderr and "keeps running" in r.stderr
    assert not [p for p in os.listdir(state / "partitions") if p.startswith(".")]   # no staging left
    info = _wait_stopped("b")
    assert info["state"] == "stopped" and info["exit_status"] == 0 and info["arch"] == "x86_64"
    assert drift("logs", "b").stdout == "built\ndone 60000 30000000\n"


KV = ROOT / "images" / "kvstore" / "kvstore.py"


def _request(name: str, message: str) -> str:
    r = drift("request", name, message)
    assert r.returncode == 0, r.stderr
    return r.stdout.rstrip("\n")


def test_kvstore_waiting_for_requests_moves_across_arches(state: Path, tmp_path: Path) -> None:
    """A server blocked in drift.recv() is snapshotted there (its CALL is the safe point): its
    data and its channel survive x86_64 -> aarch64 -> x86_64."""
    img = Image.build(KV, tmp_path / "kv.elf", memory_mib=16).path
    assert drift("run", str(img), "-d", "--name", "kv", "--accel", "tcg").returncode == 0
    assert drift("recv", "kv", "--wait", "10").stdout == "READY\n"
    keys = {f"k{i}": f"value {i} with spaces" for i in range(6)}
    for key, value in keys.items():
        assert _request("kv", f"PUT {key} {value}") == "OK"
    for arch in ("aarch64", "x86_64"):
        r = drift("migrate", "kv", "--to", "local", "--arch", arch, "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(drift("inspect", "kv", "--json").stdout)["arch"] == arch
        for key, value in keys.items():
            assert _request("kv", f"GET {key}") == f"OK {value}"
        assert _request("kv", f"PUT on-{arch} yes") == "OK"
    assert _request("kv", "GET on-aarch64") == "OK yes"
    assert _request("kv", "COUNT") == f"OK {len(keys) + 2}"
    assert _request("kv", "QUIT") == "BYE"
    assert _wait_stopped("kv")["exit_status"] == 0
