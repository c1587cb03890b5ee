"""Hosts reached over ssh (``drift migrate NAME --to ssh:HOST``, docs/migration.md): a real sshd
runs in a network namespace joined to this one by a veth pair (scripts/sshhost), with its own
remote state directory, so the image really is copied there and verified.  The key-value
appliance moves local -> ssh -> local -> ssh -> local with a client's requests all answered;
a corrupted copy on the host is detected and replaced; a corrupted transfer is refused; a
destination QEMU killed mid-migration leaves the source running and nothing on the host; an
unreachable host is a clear error (exit 68).  Real QEMU (TCG) and sshd; root only."""

from __future__ import annotations

import base64
import contextlib
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
from kvload import KvLoad

from runtime import Image, channel, hosts, sshhost
from runtime.errors import HostError, ImageError
from runtime.partition import process_alive

KV = ROOT / "images" / "kvstore" / "kvstore.py"
SSHD = Path("/usr/sbin/sshd")
REPORT_FIELDS = ("status", "downtime_ms", "total_ms", "setup_ms", "transferred_bytes", "source_host", "dest_host",
                 "source_pid", "dest_pid", "wall_ms", "uri", "image")


def require(ok: bool, why: str) -> None:
    """Skip without ``ok``; under CI=true, fail instead."""
    if not ok:
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)


def drift(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """The drift command as its own process."""
    return subprocess.run([sys.executable, "-m", "runtime", *args], capture_output=True, text=True,
                          timeout=timeout, env=os.environ.copy())


def wait_for(what: str, test: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not test():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def qemus_under(root: Path) -> list[int]:
    """Every QEMU process whose working directory is under ``root`` (on the ssh host: its
    ``incoming/`` directories; here: partitions)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if b"qemu-system" not in Path(f"/proc/{entry}/cmdline").read_bytes():
                continue
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if cwd.startswith(str(root)):
            found.append(int(entry))
    return found


class SshHost:
    """The test's ssh host: namespace, sshd, keys, its hosts-file entry and remote state directory."""

    def __init__(self, base: Path) -> None:
        self.n = os.getpid() % 200 + 20
        self.ns = f"drift-ssh{os.getpid()}"
        self.keys = base / "keys"
        self.remote = base / "remote"                       # the ssh host's DRIFT_STATE_DIR
        self.hosts_file = base / "hosts.toml"
        self.address = f"10.78.{self.n}.2"
        self.hosts_file.write_text(
            f'[ssh.b]\nhost = "root@{self.address}"\nidentity = "{self.keys}/id_ed25519"\n'
            f'known_hosts = "{self.keys}/known_hosts"\ndrift = "{Path(sys.executable).parent / "drift"}"\n'
            f'state_dir = "{self.remote}"\n\n'
            f'[ssh.slow]\nhost = "root@{self.address}"\nidentity = "{self.keys}/id_ed25519"\n'
            f'known_hosts = "{self.keys}/known_hosts"\n'
            f'drift = "env {sshhost.POLL_ENV}=0.25 {Path(sys.executable).parent / "drift"}"\n'
            f'state_dir = "{self.remote}"\n\n'
            f'[ssh.nowhere]\nhost = "root@{self.address}:2"\nidentity = "{self.keys}/id_ed25519"\n'
            f'known_hosts = "{self.keys}/known_hosts"\n')

    def script(self, action: str) -> None:
        subprocess.run([str(ROOT / "scripts" / "sshhost"), action, self.ns, str(self.keys), str(self.n)],
                       check=action == "up", timeout=60)

    def incoming(self) -> list[str]:
        d = self.remote / "incoming"
        return os.listdir(d) if d.exists() else []


@pytest.fixture(scope="module")
def ssh_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshHost]:
    """A running sshd in its own namespace, and DRIFT_HOSTS_FILE naming it ``ssh:b`` (and an
    unreachable ``ssh:nowhere``); everything stopped and removed afterwards, even on failure."""
    require(SSHD.exists(), f"{SSHD} is not installed (scripts/setup installs openssh-server)")
    need_tool("ssh")
    need_tool("ip")
    require(os.geteuid() == 0, "network namespaces and sshd need root")
    host = SshHost(tmp_path_factory.mktemp("ssh"))
    old = os.environ.get(sshhost.HOSTS_ENV)
    os.environ[sshhost.HOSTS_ENV] = str(host.hosts_file)
    try:
        host.script("up")
        yield host
    finally:
        for target in ("b", "nowhere"):
            with contextlib.suppress(HostError):
                sshhost.close_master(sshhost.resolve(hosts.parse(f"ssh:{target}")))
        for pid in qemus_under(host.remote):
            os.kill(pid, signal.SIGKILL)
        host.script("down")
        if old is None:
            del os.environ[sshhost.HOSTS_ENV]
        else:
            os.environ[sshhost.HOSTS_ENV] = old


@pytest.fixture
def state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private DRIFT_STATE_DIR (this machine's); every partition process left in it is killed afterwards."""
    root = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("DRIFT_STATE_DIR", str(root))
    monkeypatch.delenv("DRIFT_CGROUP_ROOT", raising=False)
    yield root
    parts = root / "partitions"
    for entry in os.listdir(parts) if parts.exists() else []:
        try:
            pid = int((parts / entry / "pid").read_text())
        except (OSError, ValueError):
            continue
        if process_alive(pid, None):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def kv_image(kernel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Image.build(KV, tmp_path_factory.mktemp("images") / "kv.elf", memory_mib=16).path


def migrate(name: str, to: str, *extra: str) -> dict[str, object]:
    r = drift("migrate", name, "--to", to, "--json", *extra)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert isinstance(report, dict)
    return report


def request(name: str, message: str) -> str:
    r = drift("request", name, message)
    assert r.returncode == 0, r.stderr
    return r.stdout.rstrip("\n")


def netns_of(pid: int) -> str | None:
    inode = os.stat(f"/proc/{pid}/ns/net").st_ino
    return next((ns.name for ns in hosts.NETNS_DIR.iterdir() if ns.stat().st_ino == inode), None)


# ---- without QEMU ----------------------------------------------------------------------------


def test_ssh_host_names_and_hosts_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for text, (user, hostname, port) in (("ssh:example.org", (None, "example.org", None)),
                                         ("ssh:root@10.0.0.2:2222", ("root", "10.0.0.2", 2222)),
                                         ("ssh:[fe80::1]:22", (None, "[fe80::1]", 22))):
        target = sshhost.resolve(hosts.parse(text))
        assert (target.user, target.hostname, target.port) == (user, hostname, port), text
    for bad in ("ssh:", "ssh:-oProxyCommand=x", "ssh:a b", "ssh:a@b:99999"):
        with pytest.raises(HostError):
            sshhost.resolve(hosts.parse(bad))
    with pytest.raises(HostError, match="cannot start a QEMU over ssh"):
        hosts.parse("ssh:x").prefix()
    hosts_file = tmp_path / "hosts.toml"
    monkeypatch.setenv(sshhost.HOSTS_ENV, str(hosts_file))
    hosts_file.write_text('[ssh.w]\nhost = "u@w.example:2200"\nshared_files = true\nstate_dir = "/s"\n'
                          'drift = "/opt/drift/bin/drift --x"\n')
    target = sshhost.resolve(hosts.parse("ssh:w"))
    assert (target.user, target.port, target.shared_files, target.drift) == ("u", 2200, True,
                                                                            ("/opt/drift/bin/drift", "--x"))
    assert target.remote("hello") == "/opt/drift/bin/drift --x _host-agent --state-dir /s hello"
    r = drift("hosts", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)[-1] == {
        "host": "ssh:w", "kind": "ssh", "address": "w.example", "shared_files": True, "ssh": "u@w.example",
        "port": 2200, "state_dir": "/s"}
    hosts_file.write_text('[ssh.w]\nhost = "w"\ncolour = "red"\n')
    r = drift("hosts")
    assert r.returncode == 68 and "unknown keys ['colour']" in r.stderr, r.stderr
    hosts_file.write_text("[ssh.w\n")
    assert drift("hosts").returncode == 68


# ---- with sshd and QEMU --------------------------------------------------------------------------


def test_unreachable_and_unknown_hosts(ssh_host: SshHost, state: Path, kv_image: Path) -> None:
    """A host nobody answers for is a clear error (exit 68) and nothing starts."""
    listed = {h["host"]: h for h in json.loads(drift("hosts", "--json").stdout)}
    assert listed["ssh:b"]["address"] == ssh_host.address and listed["ssh:b"]["shared_files"] is False
    assert drift("run", str(kv_image), "-d", "--name", "kv", "--accel", "tcg").returncode == 0
    r = drift("migrate", "kv", "--to", "ssh:nowhere")
    assert r.returncode == 68 and "cannot reach ssh:nowhere" in r.stderr and "check that sshd runs" in r.stderr, r
    r = drift("migrate", "kv", "--to", "ssh:root@10.78.255.254")             # not in known_hosts, no route
    assert r.returncode == 68 and "cannot reach ssh:root@10.78.255.254" in r.stderr, r
    r = drift("migrate", "kv", "--to", "elsewhere:x")
    assert r.returncode == 68 and "ssh:[USER@]HOST[:PORT]" in r.stderr
    assert json.loads(drift("inspect", "kv", "--json").stdout)["state"] == "running"
    assert os.listdir(state / "partitions") == ["kv"]
    assert drift("kill", "kv").returncode == 0


def test_kvstore_to_ssh_host_and_back(ssh_host: SshHost, state: Path, kv_image: Path) -> None:
    """local -> ssh:b -> local -> ssh:b -> local with a client sending requests all along: every one
    answered; the image copied once, verified, reused, and replaced once corrupted there."""
    assert drift("run", str(kv_image), "-d", "--name", "kv", "--accel", "tcg").returncode == 0
    assert drift("recv", "kv", "--wait", "10").stdout == "READY\n"
    assert request("kv", "PUT k before the moves") == "OK"
    load = KvLoad(state / "partitions" / "kv" / "channel.sock", key_prefix="c")
    counts = load.counts
    reports = []
    with load:
        wait_for("the client's first answers", lambda: counts["answered"] > 20)
        for to in ("ssh:b", "local", "ssh:b", "local"):
            if to == "ssh:b" and reports:                 # corrupt the host's copy: it must be replaced
                stored = next((ssh_host.remote / "images").glob("*.elf"))
                data = bytearray(stored.read_bytes())
                data[len(data) // 2] ^= 0xFF
                stored.write_bytes(bytes(data))
            before = counts["answered"]
            reports.append(migrate("kv", to))
            wait_for("answers after the move", lambda b=before: counts["answered"] > b + 20)   # type: ignore[misc]
            if to == "ssh:b":
                remote_pid = int(str(reports[-1]["dest_pid"]))
                assert netns_of(remote_pid) == ssh_host.ns and qemus_under(ssh_host.remote) == [remote_pid]
                assert json.loads(drift("inspect", "kv", "--json").stdout)["extra"]["host"] == "ssh:b"
    print("client during 4 moves:", counts, [(r["dest_host"], r["downtime_ms"], r["total_ms"], r["wall_ms"])
                                           for r in reports])
    load.check(moves=4)
    for report, (src, dst) in zip(reports, (("local", "ssh:b"), ("ssh:b", "local"), ("local", "ssh:b"),
                                            ("ssh:b", "local")), strict=True):
        assert all(f in report for f in REPORT_FIELDS), report
        assert (report["status"], report["source_host"], report["dest_host"]) == ("completed", src, dst)
        assert isinstance(report["downtime_ms"], int) and isinstance(report["total_ms"], int)
    first, second = reports[0]["image"], reports[2]["image"]
    assert isinstance(first, dict) and isinstance(second, dict)
    assert (first["copied"], first["replaced_corrupt"], first["bytes"]) == (True, False, kv_image.stat().st_size)
    assert (second["copied"], second["replaced_corrupt"]) == (True, True)
    assert str(reports[0]["uri"]).startswith(f"tcp:{ssh_host.address}:")
    assert str(reports[1]["uri"]).startswith(f"tcp:10.78.{ssh_host.n}.1:")
    assert sshhost.sha256_file(Path(str(second["path"]))) == sshhost.sha256_file(kv_image)
    assert ssh_host.incoming() == [] and qemus_under(ssh_host.remote) == []

    report = migrate("kv", "ssh:b")                          # an intact copy there: not copied again
    assert isinstance(report["image"], dict) and report["image"]["copied"] is False
    with channel.Connection(state / "partitions" / "kv" / "channel.sock") as c:   # (drift request would read
        assert c.request("GET k") == "OK before the moves"                       # the client's answers first)
        assert c.request(f"GET {load.key(counts['sent'] - 2)}").startswith("OK ")
    assert drift("stop", "kv").returncode == 0               # QMP quit through the forwarded socket
    info = json.loads(drift("inspect", "kv", "--json").stdout)
    assert (info["state"], info["reason"]) == ("stopped", "stopped by drift stop"), info
    wait_for("the host to clean up", lambda: ssh_host.incoming() == [] and qemus_under(ssh_host.remote) == [])
    assert drift("rm", "kv").returncode == 0


def test_run_on_ssh_host(ssh_host: SshHost, state: Path, kv_image: Path) -> None:
    """``drift run -d --host ssh:b`` boots the partition there (QEMU in the host's namespace, under
    its state directory); channel, inspect and logs work from here, it moves back to local with
    its data, and an unreachable host or CPU limits on an ssh host start nothing."""
    r = drift("run", str(kv_image), "-d", "--name", "kvr", "--accel", "tcg", "--host", "ssh:nowhere")
    assert r.returncode == 68 and "cannot reach ssh:nowhere" in r.stderr, r
    r = drift("run", str(kv_image), "-d", "--name", "kvr", "--host", "ssh:b", "--cpu-max", "50")
    assert r.returncode == 64 and "CPU limits are not supported on an ssh host" in r.stderr, r
    assert drift("run", str(kv_image), "--host", "ssh:b").returncode == 64          # only with --detach
    assert not (state / "partitions").exists() or os.listdir(state / "partitions") == []

    r = drift("run", str(kv_image), "-d", "--name", "kvr", "--accel", "tcg", "--host", "ssh:b", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["extra"]["host"] == "ssh:b"
    assert drift("recv", "kvr", "--wait", "10").stdout == "READY\n"
    assert request("kvr", "PUT a started-there") == "OK"
    remote = qemus_under(ssh_host.remote)
    assert len(remote) == 1 and netns_of(remote[0]) == ssh_host.ns
    meta = json.loads((state / "partitions" / "kvr" / "meta.json").read_text())
    assert meta["ssh"]["qemu_pid"] == remote[0] and meta["host"] == "ssh:b"
    assert json.loads(drift("inspect", "kvr", "--json").stdout)["state"] == "running"

    report = migrate("kvr", "local")
    assert (report["source_host"], report["dest_host"]) == ("ssh:b", "local")
    assert request("kvr", "GET a") == "OK started-there"
    wait_for("the host to clean up", lambda: ssh_host.incoming() == [] and qemus_under(ssh_host.remote) == [])
    assert drift("stop", "kvr").returncode == 0
    assert drift("rm", "kvr").returncode == 0


def test_restore_on_ssh_host_other_arch(ssh_host: SshHost, state: Path, kv_image: Path, tmp_path: Path) -> None:
    """A snapshot of an x86_64 partition here, restored as aarch64 on ssh:b (``drift restore --to``):
    the snapshot file is copied there (verified), the data is intact, and the copy is removed
    when that QEMU ends."""
    assert drift("run", str(kv_image), "-d", "--name", "kvs", "--accel", "tcg").returncode == 0
    assert drift("recv", "kvs", "--wait", "10").stdout == "READY\n"
    assert request("kvs", "PUT k snapped") == "OK"
    snap = tmp_path / "kvs.dsnap"
    r = drift("snapshot", "kvs", "-o", str(snap), "--stop")
    assert r.returncode == 0, r.stderr
    r = drift("restore", str(snap), "--name", "kvs2", "--to", "ssh:b", "--arch", "aarch64", "--accel", "tcg",
              "--detach")
    assert r.returncode == 0, r.stderr
    assert request("kvs2", "GET k") == "OK snapped"
    (remote,) = qemus_under(ssh_host.remote)
    assert "qemu-system-aarch64" in Path(f"/proc/{remote}/cmdline").read_text(errors="replace")
    assert netns_of(remote) == ssh_host.ns
    assert len(list((ssh_host.remote / "files").iterdir())) == 1
    assert json.loads(drift("inspect", "kvs2", "--json").stdout)["extra"]["host"] == "ssh:b"
    assert drift("stop", "kvs2").returncode == 0
    wait_for("the host to clean up", lambda: qemus_under(ssh_host.remote) == [] and
             list((ssh_host.remote / "files").iterdir()) == [])
    assert drift("rm", "kvs2").returncode == 0 and drift("rm", "kvs").returncode == 0


def test_arch_moves_through_ssh_host(ssh_host: SshHost, state: Path, kv_image: Path) -> None:
    """``drift migrate --arch``: local x86_64 -> ssh:b aarch64 (the destination boots there with the
    snapshot, after-snapshot) -> local x86_64 (the snapshot taken out of the host's QEMU); the data
    and the channel survive both moves, and a snapshot of the partition there works too."""
    assert drift("run", str(kv_image), "-d", "--name", "kva", "--accel", "tcg").returncode == 0
    assert drift("recv", "kva", "--wait", "10").stdout == "READY\n"
    assert request("kva", "PUT k x86") == "OK"
    there = migrate("kva", "ssh:b", "--arch", "aarch64")
    assert (there["status"], there["source_arch"], there["dest_arch"], there["dest_host"], there["dest_boot"]) == \
        ("completed", "x86_64", "aarch64", "ssh:b", "after-snapshot"), there
    (remote,) = qemus_under(ssh_host.remote)
    assert "qemu-system-aarch64" in Path(f"/proc/{remote}/cmdline").read_text(errors="replace")
    assert request("kva", "GET k") == "OK x86" and request("kva", "PUT k arm") == "OK"
    r = drift("snapshot", "kva", "-o", str(state / "there.dsnap"))          # the program runs on after it
    assert r.returncode == 0, r.stderr
    assert (state / "there.dsnap").stat().st_size > 0 and request("kva", "GET k") == "OK arm"
    back = migrate("kva", "local", "--arch", "x86_64")
    assert (back["source_host"], back["dest_host"], back["source_arch"], back["dest_arch"]) == \
        ("ssh:b", "local", "aarch64", "x86_64"), back
    assert request("kva", "GET k") == "OK arm"
    print("pause ms (snapshot / restore): there", there["pause_ms"], there["snapshot_ms"], there["restore_ms"],
          "back", back["pause_ms"], back["snapshot_ms"], back["restore_ms"])
    wait_for("the host to clean up", lambda: ssh_host.incoming() == [] and qemus_under(ssh_host.remote) == [])
    assert drift("stop", "kva").returncode == 0 and drift("rm", "kva").returncode == 0


def test_corrupted_transfer_is_refused(ssh_host: SshHost, kv_image: Path) -> None:
    target = sshhost.resolve(hosts.parse("ssh:b"))
    sha = sshhost.sha256_file(kv_image)
    manifest = (kv_image.parent / "kv.manifest.json").read_bytes()
    data = bytearray(kv_image.read_bytes())
    data[100] ^= 1
    with pytest.raises(ImageError, match="corrupted or cut short"):
        sshhost.run_agent(target, "put-image", sha, base64.b64encode(manifest).decode(), data=bytes(data))
    assert not (ssh_host.remote / "images" / f"{sha}.elf").exists() or \
        sshhost.sha256_file(ssh_host.remote / "images" / f"{sha}.elf") == sha


def test_destination_dies_over_ssh(ssh_host: SshHost, state: Path, kv_image: Path) -> None:
    """The QEMU on the ssh host is killed mid-migration: exit 72, the source runs on, the host is clean."""
    assert drift("run", str(kv_image), "-d", "--name", "kv", "--accel", "tcg").returncode == 0
    assert request("kv", "PUT k v") == "READY" and drift("recv", "kv", "--wait", "5").stdout == "OK\n"
    source = json.loads(drift("inspect", "kv", "--json").stdout)["pid"]
    proc = subprocess.Popen([sys.executable, "-m", "runtime", "migrate", "kv", "--to", "ssh:b", "--bandwidth", "0.02"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        wait_for("the destination QEMU on the host", lambda: qemus_under(ssh_host.remote) != [], timeout=30)
        remote = qemus_under(ssh_host.remote)[0]
        parts = state / "partitions"
        wait_for("the migration to run", lambda: any(
            (parts / e / "remote.json").exists() for e in os.listdir(parts) if e.startswith(".kv.migrate-")))
        time.sleep(0.3)                                     # well into the (slow) migration
        os.kill(remote, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 72, err
    # who notices first: the link (its QEMU ended) or the source QEMU (its stream was cut)
    assert "the destination QEMU died" in err or "QEMU reports the migration failed" in err, err
    assert "kv keeps running on local" in err and "killed by signal 9" in err, err
    wait_for("the host to clean up", lambda: ssh_host.incoming() == [] and qemus_under(ssh_host.remote) == [])
    assert os.listdir(state / "partitions") == ["kv"]
    info = json.loads(drift("inspect", "kv", "--json").stdout)
    assert (info["state"], info["pid"], info["qmp_status"]) == ("running", source, "running")
    assert request("kv", "GET k") == "OK v"
    assert drift("kill", "kv").returncode == 0


NUMBERS = "i = 0\nwhile True:\n    print(i)\n    i += 1\n"


def test_output_order_across_moves_back(ssh_host: SshHost, state: Path, kernel: Path, tmp_path: Path) -> None:
    """A program printing numbered lines as fast as it can moves local -> ssh -> local three times:
    stdout is exactly 0, 1, 2, ... with no gap, repeat or reordering (the host's last lines are
    drained into the log, the source paused before the switch-over, before the local QEMU runs).
    ``ssh:slow``'s agent streams output every 250 ms instead of 5: without the drain, its last
    lines would come after the local QEMU's first ones on every move back."""
    (tmp_path / "numbers.py").write_text(NUMBERS)
    image = Image.build(tmp_path / "numbers.py", tmp_path / "numbers.elf", memory_mib=8).path
    assert drift("run", str(image), "-d", "--name", "n", "--accel", "tcg").returncode == 0
    log = state / "partitions" / "n" / "stdout.log"
    reports = []
    for _ in range(3):
        for to in ("ssh:slow", "local"):
            size = log.stat().st_size
            wait_for("more output", lambda s=size: log.stat().st_size > s + 1000)   # type: ignore[misc]
            reports.append(migrate("n", to))
    size = log.stat().st_size
    wait_for("output after the last move", lambda: log.stat().st_size > size + 1000)
    assert drift("kill", "n").returncode == 0
    text = log.read_text()
    lines = text.split("\n")[:-1]                          # (the last line may be cut short by the kill)
    bad = next((k for k, line in enumerate(lines) if line != str(k)), None)
    assert bad is None, (f"line {bad} is {lines[bad]!r}", lines[max(0, bad - 3):bad + 4])
    print(f"{len(lines)} lines in order over 6 moves;",
          [(r["dest_host"], r["downtime_ms"], r["total_ms"], r["wall_ms"]) for r in reports])
    assert len(lines) > 10000
