"""Snapshots in the hosted VM: every corpus program snapshotted at a seeded
random safe point and restored gives the same stdout, exit status and last
stderr line as an uninterrupted run (also under --gc-stress); corrupt,
truncated, foreign and forged snapshots are refused, never crash the VM.

The seed is in each test id (``DRIFT_SNAP_SEED``, default 2026); the safe
point chosen is in the failure message."""

from __future__ import annotations

import hashlib
import os
import random
import struct
import subprocess
from functools import cache
from pathlib import Path

import pytest
from conftest import PROGRAMS

from runtime import snapshot
from runtime.compiler import compile_file
from runtime.status import STATUS

ALL = sorted(PROGRAMS.glob("*.py"))
SEED = int(os.environ.get("DRIFT_SNAP_SEED", "2026"))
SNAPSTOP, BADSNAP = STATUS["SNAPSTOP"], STATUS["BADSNAP"]


@cache
def _dbc(path: Path, out: Path) -> Path:
    f = out / f"{path.stem}.dbc"
    f.write_bytes(compile_file(str(path)))
    return f


def _run(vm: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(vm), *args], capture_output=True, timeout=120)


def _last(err: bytes) -> bytes:
    lines = err.strip().splitlines()
    return lines[-1] if lines else b""


def _round_trip(vm: Path, path: Path, tmp: Path, stress: list[str]) -> None:
    dbc = str(_dbc(path, tmp))
    full = _run(vm, *stress, dbc)
    count = _run(vm, *stress, "--safe-points", dbc)
    points = int(_last(count.stderr).split(b"=")[1])
    if points == 0:
        pytest.skip("the program passes no safe point")
    rng = random.Random(f"{SEED}:{path.stem}:{bool(stress)}")
    at = rng.randint(1, points)
    where = f"snapshot at safe point {at} of {points} (seed {SEED})"
    snap = tmp / "s.dsnap"
    first = _run(vm, *stress, "--snapshot-at", str(at), "-o", str(snap), dbc)
    assert first.returncode == SNAPSTOP, where + ": " + first.stderr.decode()
    snapshot.check(snap.read_bytes(), Path(dbc).read_bytes())
    second = _run(vm, *stress, "--restore", str(snap), dbc)
    assert first.stdout + second.stdout == full.stdout, where
    assert second.returncode == full.returncode, where + ": " + second.stderr.decode()
    assert _last(second.stderr) == _last(full.stderr), where


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.stem}-seed{SEED}")
def test_round_trip(path: Path, drift_vm: Path, tmp_path: Path) -> None:
    _round_trip(drift_vm, path, tmp_path, [])


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.stem}-seed{SEED}")
def test_round_trip_gc_stress(path: Path, drift_vm: Path, tmp_path: Path) -> None:
    _round_trip(drift_vm, path, tmp_path, ["--gc-stress"])


def test_continue_after_snapshot(drift_vm: Path, tmp_path: Path) -> None:
    dbc = str(_dbc(PROGRAMS / "rec_hanoi.py", tmp_path))
    full = _run(drift_vm, dbc)
    went_on = _run(drift_vm, "--snapshot-at", "20", "-o", str(tmp_path / "s"), "--snapshot-continue", dbc)
    assert went_on.stdout == full.stdout and went_on.returncode == full.returncode
    assert (tmp_path / "s").stat().st_size > snapshot.HEADER_SIZE


def test_several_generations(drift_vm: Path, tmp_path: Path) -> None:
    """Snapshot, restore and snapshot again from the restored VM, several times."""
    dbc = str(_dbc(PROGRAMS / "algo_nqueens.py", tmp_path))
    full = _run(drift_vm, dbc)
    out, args = b"", [dbc]
    for gen in range(5):
        snap = tmp_path / f"g{gen}"
        r = _run(drift_vm, "--snapshot-at", "3000", "-o", str(snap), *args)
        assert r.returncode == SNAPSTOP, r.stderr.decode()
        out += r.stdout
        args = ["--restore", str(snap), dbc]
    last = _run(drift_vm, *args)
    assert out + last.stdout == full.stdout and last.returncode == full.returncode


@pytest.fixture
def snap(drift_vm: Path, tmp_path: Path) -> tuple[Path, bytes]:
    dbc = _dbc(PROGRAMS / "dict_word_count.py", tmp_path)
    s = tmp_path / "s.dsnap"
    assert _run(drift_vm, "--snapshot-at", "5", "-o", str(s), str(dbc)).returncode == SNAPSTOP
    return dbc, s.read_bytes()


def _refused(vm: Path, dbc: Path, data: bytes, tmp: Path, message: str) -> None:
    f = tmp / "bad.dsnap"
    f.write_bytes(data)
    r = _run(vm, "--restore", str(f), str(dbc))
    assert r.returncode == BADSNAP, r.stderr.decode()
    assert message in r.stderr.decode()


def test_refuses_corrupt(drift_vm: Path, tmp_path: Path, snap: tuple[Path, bytes]) -> None:
    dbc, data = snap
    bad = bytearray(data)
    bad[-40] ^= 0x10
    _refused(drift_vm, dbc, bytes(bad), tmp_path, "checksum mismatch")
    with pytest.raises(snapshot.SnapshotError, match="corrupt"):
        snapshot.check(bytes(bad))


def test_refuses_truncated(drift_vm: Path, tmp_path: Path, snap: tuple[Path, bytes]) -> None:
    dbc, data = snap
    _refused(drift_vm, dbc, data[:-16], tmp_path, "truncated")
    _refused(drift_vm, dbc, data[:100], tmp_path, "truncated")
    with pytest.raises(snapshot.SnapshotError, match="truncated"):
        snapshot.check(data[:-16])


def test_refuses_other_program(drift_vm: Path, tmp_path: Path, snap: tuple[Path, bytes]) -> None:
    _, data = snap
    other = _dbc(PROGRAMS / "rec_hanoi.py", tmp_path)
    _refused(drift_vm, other, data, tmp_path, "another program")
    with pytest.raises(snapshot.SnapshotError, match="another program"):
        snapshot.check(data, other.read_bytes())


def test_refuses_other_version(drift_vm: Path, tmp_path: Path, snap: tuple[Path, bytes]) -> None:
    dbc, data = snap
    bad = bytearray(data)
    snapshot.put(bad, "version", snapshot.CONST["VERSION"] + 1)
    _refused(drift_vm, dbc, snapshot.seal(bytes(bad)), tmp_path, "version")
    with pytest.raises(snapshot.SnapshotError, match=f"version {snapshot.CONST['VERSION'] + 1} is not supported"):
        snapshot.check(bytes(bad))
    _refused(drift_vm, dbc, b"\x7fELF" + data[4:], tmp_path, "bad magic")


def test_refuses_forged_frames(drift_vm: Path, tmp_path: Path, snap: tuple[Path, bytes]) -> None:
    """Correct checksum, hostile content: frames pointing outside the program."""
    dbc, data = snap
    off = int(snapshot.get(data, "frames_off"))
    for field, value in ((0, 999), (4, 10**6), (8, 10**6), (16, 8), (20, 3)):
        bad = bytearray(data)
        struct.pack_into("<I", bad, off + field, value)
        _refused(drift_vm, dbc, snapshot.seal(bytes(bad)), tmp_path, "snapshot")


def test_forged_snapshots_never_crash(drift_vm: Path, tmp_path: Path, snap: tuple[Path, bytes]) -> None:
    """Random mutations with a valid checksum: refused, or run to a normal status."""
    dbc, data = snap
    rng = random.Random(SEED)
    body = snapshot.HEADER_SIZE
    for trial in range(150):
        bad = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(body if trial % 3 else 104, len(bad))
            bad[i] = rng.randrange(256) if trial % 2 else bad[i] ^ (1 << rng.randrange(8))
        f = tmp_path / "m.dsnap"
        f.write_bytes(snapshot.seal(bytes(bad)))
        r = _run(drift_vm, "--restore", str(f), str(dbc))
        assert 0 <= r.returncode < STATUS["PANIC"] or r.returncode == BADSNAP, \
            f"trial {trial}: status {r.returncode} {hashlib.sha256(bad).hexdigest()[:12]}: {r.stderr.decode()[-300:]}"
