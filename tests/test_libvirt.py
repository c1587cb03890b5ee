"""The libvirt backend against a private libvirtd (scripts/libvirtd) and real QEMU guests.

The daemon, its domains and QEMUs are cleaned up at the end even when a test
fails.  Without root, libvirtd, virsh, QEMU or libvirt-python the daemon
tests are skipped, and fail under CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from runtime import channel
from runtime.backend import PartitionSpec
from runtime.errors import (
    ImageError,
    LaunchError,
    PartitionExists,
    PartitionNotFound,
    PartitionStateError,
    UsageError,
)
from runtime.libvirt_backend import NAMESPACE, QEMU_NAMESPACE, LibvirtBackend, domain_xml, run_dir_of

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "libvirtd"
SPIN = 'print("up")\ni = 0\nwhile True:\n    i += 1\n'
QUICK = 'print("bye")\n'
WAIT_S = 15.0


def _unavailable(msg: str) -> None:
    """Skip, or fail under CI=true."""
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def _need(name: str) -> str:
    """An executable (PATH, then the sbin folders), else skip/fail."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        _unavailable(f"{name} is not installed (scripts/setup installs it)")
        raise AssertionError("unreachable")
    return path


def _wait(predicate: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _virsh(uri: str, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["virsh", "-q", "-c", uri, *args], capture_output=True, text=True, timeout=30,
                          check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"virsh {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


# ---- without a daemon -------------------------------------------------------------


def test_domain_xml_devices(tmp_path: Path) -> None:
    spec = PartitionSpec(name="x", image=tmp_path / "x.elf", machine="q35", memory_mib=6, append="drift.timing")
    text = domain_xml(spec, accel_name="tcg", boot_image=tmp_path / "image.elf", folder=tmp_path,
                      metadata={"image": "/a/b.elf", "memory-mib": "6"})
    dom = ET.fromstring(text)
    assert dom.get("type") == "qemu"
    assert dom.findtext("name") == "drift-x"
    assert dom.find("memory") is not None and dom.findtext("memory") == "6"
    assert dom.findtext("os/loader") == "/usr/share/qemu/qboot.rom"
    assert dom.find("os/type") is not None and dom.find("os/type").get("machine") == "q35"  # type: ignore[union-attr]
    assert dom.findtext("os/kernel") == str(tmp_path / "image.elf")
    assert dom.findtext("os/cmdline") == "drift.timing"
    serials = dom.findall("devices/serial")
    assert [s.get("type") for s in serials] == ["file", "file", "unix"]
    assert [s.find("target").get("port") for s in serials] == ["0", "1", "2"]  # type: ignore[union-attr]
    assert serials[2].find("source").get("mode") == "bind"  # type: ignore[union-attr]
    assert dom.find("devices/memballoon").get("model") == "none"  # type: ignore[union-attr]
    args = [a.get("value") for a in dom.iter(f"{{{QEMU_NAMESPACE}}}arg")]
    assert args == ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    record = dom.find(f"metadata/{{{NAMESPACE}}}partition")
    assert record is not None and record.findtext(f"{{{NAMESPACE}}}image") == "/a/b.elf"
    kvm = ET.fromstring(domain_xml(PartitionSpec(name="y", image=tmp_path / "y.elf", cpu_max=50),
                                   accel_name="kvm", boot_image=tmp_path / "i.elf", folder=tmp_path, metadata={}))
    assert kvm.get("type") == "kvm" and kvm.find("cpu").get("mode") == "host-passthrough"  # type: ignore[union-attr]
    assert kvm.find("os/loader") is None  # microvm: its own firmware
    assert kvm.findtext("cputune/global_quota") == "50000"


def test_cpu_burst_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="burst"):
        domain_xml(PartitionSpec(name="y", image=tmp_path / "y.elf", cpu_burst=10), accel_name="tcg",
                   boot_image=tmp_path / "i.elf", folder=tmp_path, metadata={})


def test_run_dir_of() -> None:
    assert run_dir_of("qemu+unix:///system?socket=/tmp/lv/run/libvirt-sock") == Path("/tmp/lv/run")
    assert run_dir_of("qemu:///system") == Path("/run/libvirt")
    assert run_dir_of("qemu+ssh://host/system") is None
    assert run_dir_of("qemu:///session") is None


# ---- against a private libvirtd ------------------------------------------------------


@pytest.fixture(scope="session")
def backend(libvirt_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibvirtBackend]:
    b = LibvirtBackend(libvirt_uri, tmp_path_factory.mktemp("lvstate"))
    try:
        yield b
    finally:
        for info in b.list():
            try:
                if info.state in ("running", "paused"):
                    b.kill(info.name)
                b.remove(info.name)
            except Exception as e:  # clean up what can be, report the rest
                print(f"cleanup of {info.name}: {e}", file=sys.stderr)
        b.close()


def _build(kernel: Path, folder: Path, name: str, source: str) -> Path:
    """Build an image with ``drift build`` (the venv's, else ``python -m runtime``)."""
    assert kernel.exists()
    program = folder / f"{name}.py"
    program.write_text(source)
    out = folder / f"{name}.elf"
    drift = Path(sys.executable).parent / "drift"
    cmd = [str(drift)] if drift.exists() else [sys.executable, "-m", "runtime"]
    subprocess.run([*cmd, "build", str(program), "-o", str(out)], check=True, capture_output=True, timeout=60)
    return out


@pytest.fixture(scope="session")
def images(kernel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lvimages")
    return {"spin": _build(kernel, folder, "spin", SPIN), "quick": _build(kernel, folder, "quick", QUICK),
            "kv": _build(kernel, folder, "kv", (ROOT / "images" / "kvstore" / "kvstore.py").read_text())}


def test_channel_to_the_kvstore(backend: LibvirtBackend, images: dict[str, Path]) -> None:
    from runtime import channel

    backend.start(PartitionSpec(name="kv", image=images["kv"], memory_mib=16))
    _wait(lambda: channel.recv(backend.channel_log("kv"), backend.channel_cursor("kv")) == "READY", "READY")
    with channel.Connection(backend.channel_socket("kv"), timeout=20) as c:
        assert c.request("PUT k v w") == "OK"
        assert c.request("GET k") == "OK v w"
        assert c.request("QUIT") == "BYE"
    _wait(lambda: backend.inspect("kv").state != "running", "the kvstore to end")
    info = backend.inspect("kv")
    assert (info.state, info.exit_status) == ("stopped", 0)
    backend.remove("kv")


def test_lifecycle_with_virsh(backend: LibvirtBackend, libvirt_uri: str, images: dict[str, Path]) -> None:
    info = backend.start(PartitionSpec(name="life", image=images["spin"], machine="q35", memory_mib=16))
    assert info.state == "running" and info.backend == "libvirt"
    log = backend.console_log("life")
    _wait(lambda: log.read_text().startswith("up\n"), "'up' on the program's stdout")

    listed = {p.name: p for p in backend.list()}
    assert listed["life"].state == "running"
    info = backend.inspect("life")
    assert info.image == str(images["spin"]) and info.memory_mib == 16 and info.accel in ("tcg", "kvm")
    assert info.pid is not None and b"guest=drift-life" in Path(f"/proc/{info.pid}/cmdline").read_bytes()
    assert info.uptime_s is not None and info.uptime_s >= 0
    assert info.extra["machine"] == "q35"

    assert "drift-life" in _virsh(libvirt_uri, "list", "--name").split()
    dominfo = _virsh(libvirt_uri, "dominfo", "drift-life")
    assert "running" in dominfo and "16384 KiB" in dominfo

    with channel.Connection(backend.channel_socket("life"), timeout=5):
        pass  # QEMU listens on COM3's socket

    backend.pause("life")
    assert backend.inspect("life").state == "paused"
    assert "paused" in _virsh(libvirt_uri, "domstate", "drift-life")
    with pytest.raises(PartitionStateError):
        backend.pause("life")
    backend.resume("life")
    assert backend.inspect("life").state == "running"

    with pytest.raises(PartitionExists):
        backend.start(PartitionSpec(name="life", image=images["spin"]))
    with pytest.raises(PartitionStateError):
        backend.remove("life")

    _virsh(libvirt_uri, "destroy", "drift-life")  # from outside Drift
    stopped = {p.name: p for p in backend.list()}["life"]
    assert stopped.state == "stopped" and stopped.pid is None and stopped.exit_status is None
    assert stopped.reason is not None and "destroyed" in stopped.reason
    assert "shut off" in _virsh(libvirt_uri, "domstate", "drift-life")
    folder = log.parent
    backend.remove("life")
    assert not folder.exists()
    assert "drift-life" not in _virsh(libvirt_uri, "list", "--all", "--name").split()
    with pytest.raises(PartitionNotFound):
        backend.inspect("life")


def test_program_exit_and_cpu_fault(backend: LibvirtBackend, images: dict[str, Path]) -> None:
    backend.start(PartitionSpec(name="quick", image=images["quick"]))
    backend.start(PartitionSpec(name="fault", image=images["quick"], append="drift.fault=ud"))
    _wait(lambda: backend.inspect("quick").state != "running", "the program to end")
    _wait(lambda: backend.inspect("fault").state != "running", "the faulting program to end")
    quick = backend.inspect("quick")
    assert quick.state == "stopped" and quick.exit_status == 0  # from the guest's exit record on COM3
    assert backend.console_log("quick").read_text() == "bye\n"
    fault = backend.inspect("fault")
    assert fault.state == "crashed" and fault.exit_status == 125
    stderr_log = backend.stderr_log("fault")
    assert stderr_log is not None and "CPU fault" in stderr_log.read_text()
    with pytest.raises(PartitionStateError):
        backend.kill("quick")
    with pytest.raises(PartitionStateError):
        backend.resume("quick")
    backend.remove("quick")
    backend.remove("fault")


def test_promote_after_the_program_ended(backend: LibvirtBackend, images: dict[str, Path]) -> None:
    """A staging domain (a cross-architecture move's destination) whose program ends just after it
    resumed is still made the partition: ended, with its exit status (libvirt refuses a live
    metadata update on a domain that no longer runs)."""
    dom = backend.boot(PartitionSpec(name="ends", image=images["quick"]), staging=True)
    _wait(lambda: not dom.isActive(), "the program to end")
    with pytest.raises(PartitionNotFound):
        backend.inspect("ends")                                 # staging: not the partition yet
    backend.promote(dom, "ends")
    info = backend.inspect("ends")
    assert (info.state, info.exit_status) == ("stopped", 0), info
    backend.remove("ends")


def test_stop_kill_and_cpu_limit(backend: LibvirtBackend, libvirt_uri: str, images: dict[str, Path]) -> None:
    backend.start(PartitionSpec(name="s1", image=images["spin"], cpu_max=50))
    assert "global_quota   : 50000" in _virsh(libvirt_uri, "schedinfo", "drift-s1")
    backend.start(PartitionSpec(name="s2", image=images["spin"]))
    backend.pause("s2")
    backend.stop("s1", timeout=5)
    backend.kill("s2")  # paused: still killable
    assert [(p.name, p.state) for p in backend.list() if p.name in ("s1", "s2")] == [("s1", "stopped"),
                                                                                     ("s2", "stopped")]
    with pytest.raises(PartitionStateError):
        backend.stop("s1")
    backend.remove("s1")
    backend.remove("s2")


def test_errors_and_foreign_domains(backend: LibvirtBackend, libvirt_uri: str, images: dict[str, Path],
                                    tmp_path: Path) -> None:
    with pytest.raises(PartitionNotFound):
        backend.inspect("nothing")
    with pytest.raises(PartitionNotFound):
        backend.remove("../etc")
    with pytest.raises(UsageError):
        backend.start(PartitionSpec(name="bad/name", image=images["spin"]))
    broken = tmp_path / "broken.elf"
    broken.write_bytes(images["spin"].read_bytes()[:-1])
    shutil.copy(images["spin"].with_name("spin.manifest.json"), tmp_path / "broken.manifest.json")
    with pytest.raises(ImageError):
        backend.start(PartitionSpec(name="broken", image=broken))
    # A domain called drift-* that Drift did not make is not a partition.
    xml = tmp_path / "foreign.xml"
    xml.write_text("<domain type='qemu'><name>drift-foreign</name><memory unit='MiB'>4</memory>"
                   "<os><type arch='x86_64' machine='q35'>hvm</type></os></domain>")
    _virsh(libvirt_uri, "define", str(xml))
    try:
        assert "foreign" not in [p.name for p in backend.list()]
        with pytest.raises(PartitionNotFound, match="not a Drift partition"):
            backend.inspect("foreign")
        with pytest.raises(PartitionExists):
            backend.start(PartitionSpec(name="foreign", image=images["spin"]))
    finally:
        _virsh(libvirt_uri, "undefine", "drift-foreign", check=False)


# ---- aarch64 -------------------------------------------------------------------------


def test_domain_xml_aarch64(tmp_path: Path) -> None:
    spec = PartitionSpec(name="a", image=tmp_path / "a.elf", memory_mib=8)
    dom = ET.fromstring(domain_xml(spec, accel_name="tcg", boot_image=tmp_path / "image.elf", folder=tmp_path,
                                   metadata={}, arch="aarch64"))
    os_type = dom.find("os/type")
    assert os_type is not None and (os_type.get("arch"), os_type.get("machine")) == ("aarch64", "virt")
    assert dom.find("os/loader") is None
    gic = dom.find("features/gic")
    assert gic is not None and gic.get("version") == "2"
    serials = dom.findall("devices/serial")
    assert len(serials) == 1 and serials[0].find("target").get("type") == "system-serial"  # type: ignore[union-attr]
    args = [a.get("value") for a in dom.iter(f"{{{QEMU_NAMESPACE}}}arg")]
    assert "pci-serial,chardev=drifterr,addr=1" in args and "pci-serial,chardev=driftch,addr=2" in args
    assert args[-2:] == ["-semihosting-config", "enable=on,target=native"]
    with pytest.raises(LaunchError, match="cannot run aarch64"):
        domain_xml(PartitionSpec(name="b", image=tmp_path / "b.elf", machine="q35"), accel_name="tcg",
                   boot_image=tmp_path / "i.elf", folder=tmp_path, metadata={}, arch="aarch64")


def test_aarch64_partition(backend: LibvirtBackend, tmp_path: Path) -> None:
    """An aarch64 kvstore served through the channel, and an aarch64 CPU fault, as libvirt domains."""
    _need("qemu-system-aarch64")
    _need("aarch64-linux-gnu-gcc")
    from runtime import Image

    kv = Image.build(ROOT / "images" / "kvstore" / "kvstore.py", tmp_path / "kv64.elf", arch="aarch64",
                     memory_mib=16).path
    quick = tmp_path / "quick.py"
    quick.write_text(QUICK)
    fault_img = Image.build(quick, tmp_path / "quick64.elf", arch="aarch64").path
    backend.start(PartitionSpec(name="kv64", image=kv, memory_mib=16))
    backend.start(PartitionSpec(name="fault64", image=fault_img, append="drift.fault=ud"))
    _wait(lambda: channel.recv(backend.channel_log("kv64"), backend.channel_cursor("kv64")) == "READY", "READY")
    info = backend.inspect("kv64")
    assert (info.arch, info.state) == ("aarch64", "running")
    with channel.Connection(backend.channel_socket("kv64"), timeout=20) as c:
        assert c.request("PUT k v w") == "OK"
        assert c.request("GET k") == "OK v w"
        assert c.request("QUIT") == "BYE"
    _wait(lambda: backend.inspect("kv64").state != "running", "the kvstore to end")
    assert (backend.inspect("kv64").state, backend.inspect("kv64").exit_status) == ("stopped", 0)
    _wait(lambda: backend.inspect("fault64").state != "running", "the faulting program to end")
    fault = backend.inspect("fault64")
    assert (fault.state, fault.exit_status) == ("crashed", 125)
    stderr_log = backend.stderr_log("fault64")
    assert stderr_log is not None
    assert "CPU fault: synchronous exception: undefined instruction" in stderr_log.read_text()
    backend.remove("kv64")
    backend.remove("fault64")
