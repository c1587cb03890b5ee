"""Partitions in the background (the direct backend): drift run --detach, ps, inspect,
logs, pause/resume, stop, kill, rm, crashes seen by a later drift, CPU limits, the
channel's host-side plumbing, and the Python API.  Real QEMU (TCG); every CLI step
is a separate process, so each one is a restart of the controller."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime import Image, Partition, channel
from runtime.api import Logs, deliver
from runtime.backend import validate_name
from runtime.errors import ChannelError, PartitionStateError, UsageError
from runtime.partition import decode_exit, process_alive, state_root
from runtime.status import STATUS, describe

LOOP = "i = 0\nwhile True:\n    i += 1\n"
HELLO = "print('hello from a partition')\n"
FAILS = "print('before')\nprint(1 // 0)\n"


def drift(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The drift command as its own process (it finds partitions from the state directory only)."""
    return subprocess.run([sys.executable, "-m", "runtime", *args], capture_output=True, text=True,
                          timeout=timeout, env=os.environ.copy())


def ps() -> dict[str, dict[str, object]]:
    r = drift("ps", "--json")
    assert r.returncode == 0, r.stderr
    return {p["name"]: p for p in json.loads(r.stdout)}


def _kill_leftovers(root: Path) -> None:
    """SIGKILL every QEMU still running from ``root`` (a failed test must not leak guests)."""
    for meta_path in root.glob("partitions/*/meta.json"):
        meta = json.loads(meta_path.read_text())
        pid = meta.get("qemu_pid")
        if pid is None and (meta_path.parent / "pid").exists():
            pid = int((meta_path.parent / "pid").read_text() or 0) or None
        if process_alive(pid, meta.get("qemu_start")):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private DRIFT_STATE_DIR for the test (inherited by CLI processes); leftover QEMUs are killed."""
    root = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("DRIFT_STATE_DIR", str(root))
    monkeypatch.delenv("DRIFT_CGROUP_ROOT", raising=False)
    yield root
    _kill_leftovers(root)


@pytest.fixture(scope="module")
def images(kernel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Images of a program that runs forever, one that prints and ends, one that fails."""
    folder = tmp_path_factory.mktemp("images")
    out = {}
    for name, source in (("loop", LOOP), ("hello", HELLO), ("fails", FAILS)):
        (folder / f"{name}.py").write_text(source)
        out[name] = Image.build(folder / f"{name}.py", memory_mib=4).path
    return out


# ---- without QEMU ----------------------------------------------------------------


def test_names() -> None:
    for good in ("a", "A9", "web-1.prod_x", "x" * 63):
        assert validate_name(good) == good
    for bad in ("", "-a", ".a", "_a", "a b", "a/b", "a,b", "x" * 64, "é"):
        with pytest.raises(UsageError, match="invalid partition name"):
            validate_name(bad)


def test_state_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DRIFT_STATE_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_root() == tmp_path / "xdg" / "drift"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_root() == tmp_path / "home" / ".local" / "state" / "drift"
    monkeypatch.setenv("DRIFT_STATE_DIR", str(tmp_path / "explicit"))
    assert state_root() == tmp_path / "explicit"


@pytest.mark.parametrize("rc,shell,qemu_text,ended_by,expect", [
    (1, "", "", None, ("stopped", 0, None)),
    (3, "", "", None, ("stopped", 1, describe(1))),
    (2 * 68 + 1, "", "", None, ("stopped", 68, describe(68))),  # 137 without a shell report: a status
    (2 * STATUS["CPUFAULT"] + 1, "", "", None, ("crashed", STATUS["CPUFAULT"], describe(STATUS["CPUFAULT"]))),
    (2 * STATUS["PANIC"] + 1, "", "", None, ("crashed", STATUS["PANIC"], describe(STATUS["PANIC"]))),
    (137, "Killed\n", "", None, ("crashed", None, "killed by SIGKILL")),
    (139, "Segmentation fault\n", "", None, ("crashed", None, "killed by SIGSEGV")),
    (134, "", "", None, ("crashed", None, "killed by SIGABRT")),
    (137, "Killed\n", "", "drift kill", ("stopped", None, "killed by SIGKILL (drift kill)")),
    (0, "", "", "drift stop", ("stopped", None, "stopped by drift stop")),
    (0, "", "qemu: terminating on signal 15 from pid 1\n", None, ("stopped", None, "QEMU terminated on SIGTERM")),
    (1, "", "qemu-system-x86_64: -kernel x: could not load\n", None,
     ("crashed", None, "QEMU failed (exit code 1): qemu-system-x86_64: -kernel x: could not load")),
])
def test_decode_exit(rc: int, shell: str, qemu_text: str, ended_by: str | None,
                     expect: tuple[str, int | None, str | None]) -> None:
    e = decode_exit(rc, shell, qemu_text, ended_by)
    assert (e.state, e.exit_status, e.reason) == expect


def test_deliver_waits_until_the_reader_took_everything(tmp_path: Path) -> None:
    """QEMU drops what a client sent but the guest did not read yet when the client
    disconnects, so a send returns only once the peer has read every byte."""
    path = tmp_path / "channel.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    got = bytearray()

    def slow_reader() -> None:
        conn, _ = server.accept()
        with conn:
            time.sleep(0.3)
            while chunk := conn.recv(7):
                got.extend(chunk)
                time.sleep(0.01)

    reader = threading.Thread(target=slow_reader)
    reader.start()
    started = time.monotonic()
    deliver(path, "x" * 100, timeout=10)
    assert time.monotonic() - started >= 0.3
    reader.join()
    assert bytes(got) == channel.encode("x" * 100)
    server.close()
    with pytest.raises(ChannelError):
        deliver(path, "nobody listens", timeout=0.2)


def test_cpu_limit_arguments_checked(state: Path) -> None:
    r = drift("run", "-d", "--cpu-burst", "10", "whatever.elf")
    assert r.returncode == 64 and "--cpu-burst needs --cpu-max" in r.stderr
    r = drift("run", "--name", "x", "whatever.elf")
    assert r.returncode == 64 and "only with --detach" in r.stderr
    r = drift("inspect", "bad/name")
    assert r.returncode == 64


# ---- with QEMU -------------------------------------------------------------------


def _wait_ended(*names: str, timeout: float = 20) -> None:
    for name in names:
        Partition.get(name).wait(timeout)


def test_lifecycle_across_processes(state: Path, images: dict[str, Path]) -> None:
    for name, img in (("a", "loop"), ("b", "loop"), ("hello", "hello"), ("fails", "fails")):
        r = drift("run", "--detach", "--name", name, str(images[img]))
        assert (r.returncode, r.stdout, r.stderr) == (0, f"{name}\n", "")
    r = drift("run", "-d", "--json", "--name", "fault", "--append", "drift.fault=ud", str(images["hello"]))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["name"] == "fault"
    assert oct((state / "partitions" / "a").stat().st_mode & 0o777) == "0o700"
    _wait_ended("hello", "fails", "fault")

    seen = ps()
    assert list(seen) == ["a", "b", "fails", "fault", "hello"]
    assert {n: seen[n]["state"] for n in seen} == {"a": "running", "b": "running", "fails": "stopped",
                                                  "fault": "crashed", "hello": "stopped"}
    assert (seen["hello"]["exit_status"], seen["fails"]["exit_status"]) == (0, 1)
    assert (seen["fault"]["exit_status"], seen["fault"]["reason"]) == (125, describe(125))

    r = drift("logs", "fails")
    assert r.returncode == 0
    assert r.stdout == "before\n"
    assert r.stderr.endswith("ZeroDivisionError: integer division or modulo by zero\n")

    info = json.loads(drift("inspect", "a", "--json").stdout)
    assert (info["state"], info["qmp_status"], info["accel"], info["memory_mib"]) == ("running", "running", "tcg", 4)
    assert process_alive(info["pid"], None) and info["uptime_s"] >= 0

    assert drift("pause", "a").returncode == 0
    info = json.loads(drift("inspect", "a", "--json").stdout)
    assert (info["state"], info["qmp_status"]) == ("paused", "paused")
    assert drift("pause", "a").returncode == 75
    assert drift("resume", "a").returncode == 0
    assert json.loads(drift("inspect", "a", "--json").stdout)["qmp_status"] == "running"

    follow = subprocess.Popen([sys.executable, "-m", "runtime", "logs", "-f", "b"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    assert drift("stop", "a").returncode == 0
    assert drift("kill", "b").returncode == 0
    assert follow.wait(timeout=10) == 0
    seen = ps()
    assert (seen["a"]["state"], seen["a"]["reason"], seen["a"]["pid"]) == ("stopped", "stopped by drift stop", None)
    assert (seen["b"]["state"], seen["b"]["reason"]) == ("stopped", "killed by SIGKILL (drift kill)")
    assert drift("stop", "a").returncode == 75

    for name in ("a", "b", "hello", "fails", "fault"):
        assert drift("rm", name).returncode == 0
    assert ps() == {}
    assert list((state / "partitions").iterdir()) == []


def test_qemu_killed_from_outside_is_reported(state: Path, images: dict[str, Path]) -> None:
    for name in ("victim", "orphan"):
        assert drift("run", "-d", "--name", name, str(images["loop"])).returncode == 0
    assert drift("run", "-d", "--name", "victim", str(images["loop"])).returncode == 73
    pid = json.loads(drift("inspect", "victim", "--json").stdout)["pid"]
    os.kill(pid, signal.SIGKILL)
    meta = json.loads((state / "partitions" / "orphan" / "meta.json").read_text())
    os.kill(meta["wrapper_pid"], signal.SIGKILL)  # nobody is left to record the exit status
    os.kill(meta["qemu_pid"], signal.SIGKILL)
    time.sleep(0.2)
    seen = ps()
    assert (seen["victim"]["state"], seen["victim"]["reason"]) == ("crashed", "killed by SIGKILL")
    assert seen["victim"]["exit_status"] is None
    assert seen["orphan"]["state"] == "crashed"
    assert str(seen["orphan"]["reason"]).startswith("QEMU vanished")
    assert drift("rm", "victim").returncode == 0


def test_rm_force_and_unknown_names(state: Path, images: dict[str, Path]) -> None:
    assert drift("run", "-d", "--name", "busy", str(images["loop"])).returncode == 0
    r = drift("rm", "busy")
    assert r.returncode == 75 and "still runs" in r.stderr
    pid = json.loads(drift("inspect", "busy", "--json").stdout)["pid"]
    assert drift("rm", "-f", "busy").returncode == 0
    assert not process_alive(pid, None)
    for command in ("inspect", "logs", "pause", "resume", "stop", "kill", "rm", "recv"):
        r = drift(command, "nope")
        assert r.returncode == 67, (command, r.stderr)
        assert "no partition named 'nope'" in r.stderr


def test_wrong_image_or_missing_qemu_starts_nothing(state: Path, images: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "loop.elf"
    data = bytearray(images["loop"].read_bytes())
    data[-1] ^= 0xFF
    bad.write_bytes(bytes(data))
    (tmp_path / "loop.manifest.json").write_bytes(images["loop"].with_name("loop.manifest.json").read_bytes())
    r = drift("run", "-d", "--name", "x", str(bad))
    assert r.returncode == 66 and "does not match its manifest" in r.stderr
    r = drift("run", "-d", "--name", "x", str(tmp_path / "missing.elf"))
    assert r.returncode == 66
    env = {**os.environ, "PATH": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "runtime", "run", "-d", "--name", "x", str(images["loop"])],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 69 and "qemu-system-x86_64 is not installed" in r.stderr
    assert not (state / "partitions" / "x").exists()
    assert ps() == {}


def test_cpu_limits_without_a_cgroup2_cpu_controller(state: Path, images: dict[str, Path], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cgroup.controllers").write_text("memory io\n")
    monkeypatch.setenv("DRIFT_CGROUP_ROOT", str(tmp_path))
    r = drift("run", "-d", "--name", "lim", "--cpu-max", "50", str(images["loop"]))
    assert r.returncode == 75 and "cpu controller" in r.stderr
    assert ps() == {}


def test_cpu_limits_written_to_the_cgroup(state: Path, images: dict[str, Path], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in cgroup directory (this host may have no cgroup v2 cpu controller) receives
    the limits and QEMU's pid."""
    fake = tmp_path / "cg"
    fake.mkdir()
    (fake / "cgroup.controllers").write_text("cpu memory\n")
    (fake / "cgroup.subtree_control").write_text("")
    monkeypatch.setenv("DRIFT_CGROUP_ROOT", str(fake))
    with Partition.run(images["loop"], name="lim", cpu_min=50, cpu_max=150, cpu_burst=20) as p:
        info = p.info()
        cg = fake / "lim"
        assert info.extra["cgroup"] == str(cg)
        assert (cg / "cpu.weight").read_text() == "50"
        assert (cg / "cpu.max").read_text() == "150000 100000"
        assert (cg / "cpu.max.burst").read_text() == "20000"
        assert (cg / "cgroup.procs").read_text() == str(info.pid)
        assert (fake / "cgroup.subtree_control").read_text() == "+cpu"


def test_api_channel_plumbing_and_long_state_path(tmp_path_factory: pytest.TempPathFactory,
                                                  monkeypatch: pytest.MonkeyPatch, images: dict[str, Path]) -> None:
    long_root = tmp_path_factory.mktemp("s") / ("x" * 80)
    monkeypatch.setenv("DRIFT_STATE_DIR", str(long_root))
    try:
        with Partition.run(Image(images["loop"]), name="ctx") as p:
            info = p.info()
            assert len(info.channel or "") > 108  # beyond sun_path: reached through /proc/self/fd
            assert (info.state, info.qmp_status) == ("running", "running")
            command = json.loads(Path(str(info.extra["state_dir"]), "meta.json").read_text())["command"]
            line = " ".join(command)
            for part in ("-nodefaults", "-no-user-config", "-qmp unix:qmp.sock,server=on,wait=off",
                         "socket,id=ch,path=channel.sock,server=on,wait=off,logfile=channel.log",
                         "isa-serial,chardev=ch,iobase=0x3e8,irq=4", "file,id=out,path=stdout.log",
                         "isa-serial,chardev=err,iobase=0x2f8,irq=3", "isa-debug-exit"):
                assert part in line
            assert "-net" not in command and "-nic" not in command and "tcp:" not in line

            assert p.recv() is None
            log = Path(str(info.extra["channel_log"]))
            with log.open("ab") as f:  # stands in for the guest until it writes COM3
                f.write(channel.encode("first") + channel.encode("two\nlines"))
            assert (p.recv(), p.recv(), p.recv()) == ("first", "two\nlines", None)
            r = drift("recv", "ctx", "--wait", "0.2")
            assert r.returncode == 74 and "no unread message" in r.stderr
            with log.open("ab") as f:
                f.write(channel.encode("third"))
            assert drift("recv", "ctx").stdout == "third\n"

            with pytest.raises(ChannelError, match="did not read the message"):
                p.send("nobody reads this", timeout=0.3)  # the loop program never calls drift.recv()
            p.pause()
            assert p.state == "paused"
            with pytest.raises(PartitionStateError):
                p.pause()
            p.resume()
        with Partition.run(images["hello"]) as hello:
            assert hello.name.startswith("hello-")
            assert hello.wait(20).exit_status == 0
            assert hello.logs() == Logs(stdout="hello from a partition\n", stderr="")
            assert Partition.get(hello.name).state == "stopped"
        assert Partition.all() == []
    finally:
        _kill_leftovers(long_root)


def test_kvstore_over_the_channel_across_processes(state: Path, tmp_path: Path) -> None:
    """The key-value appliance, detached: every channel verb through its own CLI process."""
    img = Image.build(Path(__file__).resolve().parent.parent / "images" / "kvstore" / "kvstore.py",
                      tmp_path / "kv.elf", memory_mib=16).path
    assert drift("run", str(img), "--detach", "--name", "kv").returncode == 0
    assert drift("recv", "kv", "--wait", "20").stdout == "READY\n"       # sent before anyone listened
    assert drift("request", "kv", "PUT greeting hello there").stdout == "OK\n"
    assert drift("request", "kv", "GET greeting").stdout == "OK hello there\n"
    assert drift("send", "kv", "COUNT").returncode == 0
    assert drift("recv", "kv", "--wait", "10").stdout == "OK 1\n"
    empty = drift("recv", "kv")                                            # nothing left unread
    assert (empty.returncode, empty.stdout) == (74, "")
    assert drift("request", "kv", "QUIT").stdout == "BYE\n"
    _wait_ended("kv")
    info = ps()["kv"]
    assert (info["state"], info["exit_status"]) == ("stopped", 0)
