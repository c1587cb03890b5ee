"""Snapshots and cross-arch migration with the libvirt backend (docs/snapshots.md), against the
private libvirtd of tests/conftest.py and real QEMU (TCG):

- one program carried direct x86_64 -> libvirt aarch64 -> libvirt x86_64 -> direct aarch64 by
  ``drift snapshot --stop`` / ``drift restore`` prints exactly the uninterrupted output;
- ``drift migrate --arch`` of a libvirt partition within its libvirtd, mid-run and with a
  server's channel, and to a libvirtd inside a network namespace;
- a direct partition moved into a network namespace (``drift migrate --arch --to netns:NAME``,
  ``drift restore --to netns:NAME``);
- bad snapshots refused before anything boots, a forged one by the guest;
- a failed move leaves the source running where it paused.

Every CLI step is its own process; waits poll the output with deadlines.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, need_tool, unavailable

from runtime import Image, hosts, snapctl, snapshot, xmigrate
from runtime.errors import BackendError, MigrationError
from runtime.libvirt_backend import LibvirtBackend
from runtime.partition import process_alive
from runtime.status import STATUS

#: ~200 lines a second under TCG: long enough that every hop lands mid-run.
LINES = 3000   # long enough to be running through both moves of the mid-run test, however fast the VM
INNER = 8000
COUNT = f"""i = 0
while i < {LINES}:
    s = 0
    for k in range({INNER}):
        s += k * i
    print('line', i, s)
    i += 1
"""
WANT = "".join(f"line {i} {sum(k * i for k in range(INNER))}\n" for i in range(LINES))
#: A heap too big to snapshot in its 8 MiB arena; it goes on printing ticks (never ends first).
BIG = """rows = []
i = 0
while i < 60000:
    rows.append((i, i + 1))
    i += 1
print("built")
k = 0
while k < 100000:
    j = 0
    while j < 50000:
        j += 1
    print("tick", k, len(rows))
    k += 1
"""
KV = ROOT / "images" / "kvstore" / "kvstore.py"
WAIT_S = 60.0


def _until(predicate: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def env(libvirt_uri: str, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Private state folders for both backends; every partition left is killed and removed."""
    need_tool("qemu-system-aarch64")
    need_tool("aarch64-linux-gnu-gcc")
    root = tmp_path_factory.mktemp("snaplv")
    values = {"DRIFT_STATE_DIR": str(root / "direct"), "DRIFT_LIBVIRT_STATE_DIR": str(root / "lv"),
              "URI": libvirt_uri}
    monkeypatch.setenv("DRIFT_STATE_DIR", values["DRIFT_STATE_DIR"])
    monkeypatch.setenv("DRIFT_LIBVIRT_STATE_DIR", values["DRIFT_LIBVIRT_STATE_DIR"])
    yield values
    backend = LibvirtBackend(libvirt_uri, Path(values["DRIFT_LIBVIRT_STATE_DIR"]))
    for dom in backend.connection().listAllDomains(0):    # this test's domains (by their folder)
        if values["DRIFT_LIBVIRT_STATE_DIR"] in str(dom.XMLDesc(0)):
            backend.discard(dom)
    backend.close()
    parts = root / "direct" / "partitions"
    for entry in os.listdir(parts) if parts.exists() else []:
        try:
            pid = int((parts / entry / "pid").read_text())
        except (OSError, ValueError):
            continue
        if process_alive(pid, None) and b"qemu-system" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGKILL)


def drift(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runtime", *args], capture_output=True, text=True,
                          timeout=timeout, env=os.environ.copy())


def lv(env: dict[str, str]) -> tuple[str, str]:
    return ("--connect", env["URI"])


def _lines(name: str, *opts: str) -> int:
    return len(drift("logs", *opts, name).stdout.splitlines())


def _wait_lines(name: str, n: int, *opts: str) -> None:
    _until(lambda: _lines(name, *opts) >= n, f"{name} to print {n} lines")


def _wait_ended(name: str, *opts: str) -> dict[str, object]:
    info: dict[str, object] = {}

    def ended() -> bool:
        nonlocal info
        info = json.loads(drift("inspect", *opts, name, "--json").stdout)
        return info["state"] not in ("running", "paused")

    _until(ended, f"{name} to end", 120)
    return info


@pytest.fixture
def count(tmp_path: Path) -> Path:
    (tmp_path / "count.py").write_text(COUNT)
    return Image.build(tmp_path / "count.py", tmp_path / "count.elf", memory_mib=8).path


def test_snapshot_crosses_backends_and_arches(env: dict[str, str], count: Path, tmp_path: Path) -> None:
    """direct x86_64 -> libvirt aarch64 -> libvirt x86_64 -> direct aarch64, by snapshot files."""
    assert drift("run", "--detach", "--name", "c", "--accel", "tcg", str(count)).returncode == 0
    _wait_lines("c", 20)
    out = ""
    steps = [("c", (), "aarch64", "r1", lv(env)), ("r1", lv(env), "x86_64", "r2", lv(env)),
             ("r2", lv(env), "aarch64", "r3", ())]
    for name, opts, arch, after, after_opts in steps:
        snap = tmp_path / f"{name}.dsnap"
        r = drift("snapshot", *opts, name, "-o", str(snap), "--stop", "--json")
        assert r.returncode == 0, r.stderr
        taken = json.loads(r.stdout)
        assert taken["snapshot_bytes"] == snap.stat().st_size and taken["stopped"]
        info = _wait_ended(name, *opts)
        assert (info["state"], info["exit_status"]) == ("stopped", STATUS["SNAPSTOP"]), info
        out += drift("logs", *opts, name).stdout
        if after == "r3":                                   # the last leg in the foreground, to the end
            r = drift("restore", str(snap), "--arch", arch, "--name", after)
            assert r.returncode == 0, r.stderr
            out += r.stdout
            break
        r = drift("restore", str(snap), "--arch", arch, "--name", after, "--detach", *after_opts)
        assert r.returncode == 0, r.stderr
        info = json.loads(drift("inspect", *after_opts, after, "--json").stdout)
        assert (info["backend"], info["arch"]) == ("libvirt", arch)
        _wait_lines(after, 20, *after_opts)
    assert out == WANT


def test_libvirt_cross_arch_migration_mid_run(env: dict[str, str], count: Path, libvirt_uri: str) -> None:
    assert drift("run", "--detach", *lv(env), "--name", "m", "--accel", "tcg", str(count)).returncode == 0
    seen = 0
    for arch, source in (("aarch64", "x86_64"), ("x86_64", "aarch64")):
        seen += 20
        _wait_lines("m", seen, *lv(env))
        r = drift("migrate", *lv(env), "m", "--to", "local", "--arch", arch, "--json")
        assert r.returncode == 0, r.stderr
        report = json.loads(r.stdout)
        assert (report["status"], report["source_arch"], report["dest_arch"]) == ("completed", source, arch)
        assert report["pause_ms"] > 0 and report["dest_host"] == libvirt_uri
        assert (report["dest_boot"], report["fallback"]) == ("before-pause", None)   # booted ahead, RAM written
        listed = json.loads(drift("ps", *lv(env), "--json").stdout)
        assert [(p["name"], p["arch"], p["state"]) for p in listed] == [("m", arch, "running")]
        seen = _lines("m", *lv(env))
    info = _wait_ended("m", *lv(env))
    assert (info["state"], info["exit_status"], info["arch"]) == ("stopped", 0, "x86_64"), info
    assert drift("logs", *lv(env), "m").stdout == WANT
    assert drift("rm", *lv(env), "m").returncode == 0
    assert LibvirtBackend(libvirt_uri).domains_of("m") == []


def _request(name: str, message: str, *opts: str) -> str:
    r = drift("request", *opts, name, message)
    assert r.returncode == 0, r.stderr
    return r.stdout.rstrip("\n")


def test_libvirt_kvstore_keeps_its_channel(env: dict[str, str], tmp_path: Path) -> None:
    """A server waiting in drift.recv() moves to aarch64 and back; clients find its new channel socket."""
    img = Image.build(KV, tmp_path / "kv.elf", memory_mib=16).path
    assert drift("run", "--detach", *lv(env), "--name", "kv", "--accel", "tcg", str(img)).returncode == 0
    assert drift("recv", *lv(env), "kv", "--wait", "20").stdout == "READY\n"
    assert _request("kv", "PUT a 1", *lv(env)) == "OK"
    for arch in ("aarch64", "x86_64"):
        r = drift("migrate", *lv(env), "kv", "--to", "local", "--arch", arch)
        assert r.returncode == 0, r.stderr
        assert _request("kv", "GET a", *lv(env)) == "OK 1"
        assert _request("kv", f"PUT {arch} yes", *lv(env)) == "OK"
    assert _request("kv", "COUNT", *lv(env)) == "OK 3"
    assert _request("kv", "QUIT", *lv(env)) == "BYE"
    assert _wait_ended("kv", *lv(env))["exit_status"] == 0


def test_bad_snapshots_refused_under_libvirt(env: dict[str, str], count: Path, tmp_path: Path,
                                             libvirt_uri: str) -> None:
    assert drift("run", "--detach", *lv(env), "--name", "c", "--accel", "tcg", str(count)).returncode == 0
    _wait_lines("c", 10, *lv(env))
    snap = tmp_path / "c.dsnap"
    assert drift("snapshot", *lv(env), "c", "-o", str(snap), "--stop").returncode == 0
    data = snap.read_bytes()
    versioned = bytearray(data)
    snapshot.put(versioned, "version", 99)
    (tmp_path / "other.py").write_text("print('other')\n")
    bad = tmp_path / "bad.dsnap"
    for blob, message, extra in [
        (data[:-100], "truncated", ()),
        (data[:-64] + bytes(b ^ 1 for b in data[-64:]), "corrupt", ()),
        (b"XXXX" + data[4:], "not a Drift snapshot", ()),
        (snapshot.seal(bytes(versioned)), "format version 99 is not supported", ()),
        (data, "another program", ("--image", str(tmp_path / "other.py"))),
    ]:
        bad.write_bytes(blob)
        r = drift("restore", str(bad), "--detach", *lv(env), "--name", "bad", *extra)
        assert r.returncode == 66 and message in r.stderr, (message, r.stderr)
    assert LibvirtBackend(libvirt_uri).domains_of("bad") == []      # nothing was defined for them
    forged = bytearray(data)
    off = int(snapshot.get(bytes(forged), "frames_off"))
    forged[off:off + 4] = (10**6).to_bytes(4, "little")     # frame 0's function index
    bad.write_bytes(snapshot.seal(bytes(forged)))
    r = drift("restore", str(bad), *lv(env), "--arch", "aarch64", "--name", "forged")
    assert r.returncode == STATUS["BADSNAP"], r.stderr
    assert "snapshot refused: snapshot frame: bad function" in r.stderr


def test_failed_libvirt_migrations_leave_the_source_running(env: dict[str, str], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """No room for a snapshot: refused before any destination; a destination whose VM refuses the
    snapshot: removed, and the source resumes where it paused.  Either way the output is whole."""
    (tmp_path / "big.py").write_text(BIG)
    img = Image.build(tmp_path / "big.py", tmp_path / "big.elf", memory_mib=8).path
    assert drift("run", "--detach", *lv(env), "--name", "b", "--accel", "tcg", str(img)).returncode == 0
    _until(lambda: "built" in drift("logs", *lv(env), "b").stdout, "built")
    r = drift("migrate", *lv(env), "b", "--to", "local", "--arch", "aarch64")
    assert r.returncode == 72, r.stderr                      # MigrationError
    assert "not enough free memory" in r.stderr and "keeps running" in r.stderr
    _wait_lines("b", _lines("b", *lv(env)) + 3, *lv(env))      # it goes on
    assert drift("kill", *lv(env), "b").returncode == 0
    out = drift("logs", *lv(env), "b").stdout.splitlines()
    assert out == ["built", *(f"tick {k} 60000" for k in range(len(out) - 1))]

    (tmp_path / "count.py").write_text(COUNT)
    count = Image.build(tmp_path / "count.py", tmp_path / "c.elf").path
    assert drift("run", "--detach", *lv(env), "--name", "f", "--accel", "tcg", str(count)).returncode == 0
    _wait_lines("f", 10, *lv(env))
    backend = LibvirtBackend(env["URI"])

    real = snapctl.take

    def forged(*args: Any, **kwargs: Any) -> snapctl.Taken:
        """The destination gets a snapshot whose checksum is right but whose frame is not: its VM refuses it."""
        taken = real(*args, **kwargs)
        bad = bytearray(taken.data)
        off = int(snapshot.get(taken.data, "frames_off"))
        bad[off:off + 4] = (10**6).to_bytes(4, "little")
        taken.data = snapshot.seal(bytes(bad))
        return taken

    def no_ram(*args: Any) -> int:
        raise BackendError("its QEMU is not on this host")

    monkeypatch.setattr(snapctl, "take", forged)
    for mode in ("before-pause", "after-snapshot"):         # the destination booted ahead, or the fallback
        if mode == "after-snapshot":
            monkeypatch.setattr(LibvirtBackend, "guest_ram", no_ram)
        seen = _lines("f", *lv(env))
        with pytest.raises(MigrationError, match="the destination ended .*snapshot refused.*f keeps running"):
            xmigrate.migrate_arch("f", "local", "aarch64", backend=backend)
        assert [str(d.name()) for d in backend.domains_of("f")] == ["drift-f"]
        assert sorted(os.listdir(Path(env["DRIFT_LIBVIRT_STATE_DIR"]) / "f")) == \
            ["channel.log", "channel.sock", "image.elf", "stderr.log", "stdout.log"]
        _wait_lines("f", seen + 3, *lv(env))                  # it goes on
    assert _wait_ended("f", *lv(env))["exit_status"] == 0
    assert drift("logs", *lv(env), "f").stdout == WANT


def test_libvirt_migration_falls_back_to_booting_after_the_snapshot(env: dict[str, str], count: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the destination's RAM cannot be opened (a remote libvirtd's QEMU), the destination boots
    with the snapshot during the pause instead; the report says so and why."""
    assert drift("run", "--detach", *lv(env), "--name", "fb", "--accel", "tcg", str(count)).returncode == 0
    _wait_lines("fb", 10, *lv(env))
    backend = LibvirtBackend(env["URI"])

    def no_ram(*args: Any) -> int:
        raise BackendError("its QEMU is not on this host")

    monkeypatch.setattr(LibvirtBackend, "guest_ram", no_ram)
    report = xmigrate.migrate_arch("fb", "local", "aarch64", backend=backend)
    assert (report.status, report.dest_boot) == ("completed", "after-snapshot")
    assert report.fallback is not None and "not on this host" in report.fallback
    assert [str(d.name()) for d in backend.domains_of("fb")] == ["drift-fb@2"]
    assert sorted(os.listdir(Path(env["DRIFT_LIBVIRT_STATE_DIR"]) / "fb")) == \
        ["channel.2.sock", "channel.log", "image.2.elf", "snapshot.2.dsnap", "stderr.log", "stdout.log"]
    assert _wait_ended("fb", *lv(env))["exit_status"] == 0
    assert drift("logs", *lv(env), "fb").stdout == WANT


@pytest.fixture
def netns() -> Iterator[tuple[str, str]]:
    """Two fresh network namespaces (scripts/netns), removed afterwards."""
    need_tool("ip")
    if os.geteuid() != 0:
        unavailable("network namespaces need root")
    a, b = f"drift-s{os.getpid()}-a", f"drift-s{os.getpid()}-b"
    subprocess.run([str(ROOT / "scripts" / "netns"), "up", a, b], check=True, timeout=30)
    try:
        yield a, b
    finally:
        subprocess.run([str(ROOT / "scripts" / "netns"), "down", a, b], check=False, timeout=30)


def _netns_of(pid: int) -> str | None:
    inode = os.stat(f"/proc/{pid}/ns/net").st_ino
    return next((ns.name for ns in hosts.NETNS_DIR.iterdir() if ns.stat().st_ino == inode), None)


def test_into_network_namespaces(env: dict[str, str], count: Path, tmp_path: Path,
                                 netns: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> None:
    """direct: migrate --arch and restore --to netns:NAME; libvirt: migrate --arch to a libvirtd
    running inside a namespace (scripts/libvirtd --netns)."""
    a, b = netns
    assert drift("run", "--detach", "--name", "n", "--accel", "tcg", str(count)).returncode == 0
    _wait_lines("n", 10)
    r = drift("migrate", "n", "--to", f"netns:{a}", "--arch", "aarch64", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["dest_host"] == f"netns:{a}"
    info = json.loads(drift("inspect", "n", "--json").stdout)
    assert (info["arch"], _netns_of(int(info["pid"]))) == ("aarch64", a)
    _wait_lines("n", _lines("n") + 10)
    snap = tmp_path / "n.dsnap"
    assert drift("snapshot", "n", "-o", str(snap), "--stop").returncode == 0
    before = drift("logs", "n").stdout
    assert drift("restore", str(snap), "--to", f"netns:{b}", "--arch", "x86_64", "--name", "n2",
                 "--detach").returncode == 0
    info = json.loads(drift("inspect", "n2", "--json").stdout)
    assert (info["arch"], _netns_of(int(info["pid"]))) == ("x86_64", b)
    r = drift("restore", str(snap), "--to", f"netns:{b}", "--connect", env["URI"], "--detach")
    assert r.returncode == 64 and "--connect" in r.stderr, r.stderr

    # libvirt: from the test daemon to one inside namespace b
    folder = tmp_path_factory.mktemp("lvns")
    script = ROOT / "scripts" / "libvirtd"
    proc = subprocess.run([str(script), "start", str(folder), "--netns", b], capture_output=True, text=True,
                          timeout=90, check=False)
    try:
        assert proc.returncode == 0, proc.stderr
        uri_b = proc.stdout.strip()
        assert drift("run", "--detach", *lv(env), "--name", "l", "--accel", "tcg", str(count)).returncode == 0
        _wait_lines("l", 10, *lv(env))
        r = drift("migrate", *lv(env), "l", "--to", uri_b, "--arch", "aarch64", "--json")
        assert r.returncode == 0, r.stderr
        assert (json.loads(r.stdout)["dest_host"], json.loads(r.stdout)["dest_boot"]) == (uri_b, "before-pause")
        assert json.loads(drift("ps", *lv(env), "--json").stdout) == []
        info = json.loads(drift("inspect", "--connect", uri_b, "l", "--json").stdout)
        assert (info["arch"], info["state"], _netns_of(int(info["pid"]))) == ("aarch64", "running", b)
        info = _wait_ended("l", "--connect", uri_b)
        assert (info["state"], info["exit_status"]) == ("stopped", 0)
        assert drift("logs", "--connect", uri_b, "l").stdout == WANT
    finally:
        subprocess.run([str(script), "stop", str(folder)], capture_output=True, timeout=90, check=False)
    assert _wait_ended("n2")["exit_status"] == 0
    assert before + drift("logs", "n2").stdout == WANT
