"""The ``libvirt`` partition backend: Drift partitions as libvirt domains.

Each partition ``NAME`` is a persistent libvirt domain ``drift-NAME`` on the
``--connect`` URI, so ``virsh list``/``dominfo``/``destroy`` on that URI see
and manage it, and a finished partition stays listed (shut off) until
``drift rm``.  The domain boots the image directly (``<kernel>``, PVH) with
the same devices as the ``direct`` backend (docs/guest-abi.md):

- COM1 (isa-serial index 0, 0x3f8): the program's stdout, to ``stdout.log``;
- COM2 (index 1, 0x2f8): its stderr, to ``stderr.log``;
- COM3 (index 2, 0x3e8, irq 4): the host channel, a Unix socket QEMU listens
  on (``channel.sock``), everything the guest sends logged to ``channel.log``;
- ``isa-debug-exit`` (0xf4), added through ``<qemu:commandline>`` as libvirt
  has no element for it.

An aarch64 image gets ``arch='aarch64' machine='virt'``: stdout on the PL011
(``system-serial``), and, through ``<qemu:commandline>``, stderr and the
channel on ``pci-serial`` 16550s in PCI slots 1 and 2 (libvirt would move a
conventional PCI device off the PCIe root bus) and semihosting for the exit
(docs/guest-abi.md).

The files live in one folder per partition under the backend's state
folder (``DRIFT_LIBVIRT_STATE_DIR``, default ``/var/lib/drift/libvirt``), with
a copy of the verified image (what boots is what was checked).  Drift's own
record (image, its SHA-256, memory, accelerator, start time) is the domain's
``<metadata>`` in :data:`NAMESPACE`.

libvirt daemonizes QEMU, so the exit code through which the guest reports
its program's status is lost; the guest also writes it as a control record
on the channel (``ESC exit N``, see runtime/channel.py), which is read from
the channel log.  Statuses 0..119 are ``stopped``, Drift's own (120..125,
e.g. 125 after a CPU fault) ``crashed``.  See docs/libvirt.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from . import accel, channel, image, qemu
from .backend import NAME_RE, Backend, PartitionInfo, PartitionSpec, validate_name
from .errors import (
    BackendError,
    LaunchError,
    PartitionExists,
    PartitionNotFound,
    PartitionStateError,
    ToolMissingError,
    UsageError,
)
from .qemu import MACHINES, QBOOT_ROM
from .status import STATUS, describe

#: The XML namespace of Drift's ``<metadata>`` element in a domain.
NAMESPACE = "urn:drift:partition:1"
#: The libvirt domain of partition NAME is called PREFIX + NAME.
PREFIX = "drift-"
QEMU_NAMESPACE = "http://libvirt.org/schemas/domain/qemu/1.0"
#: The URI used when none is given (and LIBVIRT_DEFAULT_URI is unset).
DEFAULT_URI = "qemu:///system"
#: Where partitions' files go unless the constructor or DRIFT_LIBVIRT_STATE_DIR says otherwise.
DEFAULT_STATE_DIR = Path("/var/lib/drift/libvirt")
#: libvirt's run folder for ``qemu:///system`` (QEMU pid files in ``qemu/``).
SYSTEM_RUN_DIR = Path("/run/libvirt")

STDOUT_LOG = "stdout.log"
STDERR_LOG = "stderr.log"
CHANNEL_SOCKET = "channel.sock"
CHANNEL_LOG = "channel.log"
CHANNEL_CURSOR = "channel.cursor"
BOOT_IMAGE = "image.elf"
#: The QEMU chardev id of an aarch64 domain's channel (x86_64: libvirt's, ``char`` + the serial's alias).
A64_CHANNEL_ID = "driftch"
#: Between PREFIX + NAME and a number: the domain of a partition moved by ``drift migrate --arch`` within
#: one libvirtd (``drift-NAME@2``: the name ``drift-NAME`` was the source's).  Not allowed in partition names.
GENERATION_MARK = "@"
#: The guest's crash report starts with this (guest/arch/x86_64/trap.c); it always exits CPUFAULT.
CPU_FAULT_MARK = b"drift: CPU fault"
CPU_FAULT_STATUS = 125

#: What /proc/PID/fd shows for QEMU's ``memory-backend-memfd`` (guest RAM with ``shared_ram``).
_RAM_MEMFD = "/memfd:memory-backend-memfd"
#: virDomainMemoryPeek's largest read over libvirt's remote protocol.
PEEK_MAX = 4 << 20
_SUN_PATH_MAX = 107  # sizeof(sockaddr_un.sun_path) - 1
_TAIL_BYTES = 8192
_STOP_POLL_S = 0.05
#: A QEMU pid file this much newer than Drift's start record means the domain was started outside Drift.
_RESTART_SLACK_S = 5.0
#: libvirt virDomainState values (libvirt.VIR_DOMAIN_*), and the shut-off reasons.
_RUNNING, _BLOCKED, _PAUSED, _SHUTDOWN, _SHUTOFF, _CRASHED, _PMSUSPENDED = 1, 2, 3, 4, 5, 6, 7
_SHUTOFF_REASONS = {
    0: ("stopped", "shut off (libvirt gives no reason)"),
    1: ("stopped", "shut down"),
    2: ("stopped", "destroyed (drift stop/kill or virsh destroy)"),
    3: ("stopped", "exited (libvirt cannot see the status)"),
    4: ("stopped", "migrated away"),
    5: ("stopped", "saved"),
    6: ("crashed", "QEMU failed to start or died at once (see libvirt's QEMU log)"),
    7: ("stopped", "restored from a snapshot"),
    8: ("stopped", "stopped by libvirtd"),
}
_STATE_NAMES = {_RUNNING: "running", _BLOCKED: "blocked", _PAUSED: "paused", _SHUTDOWN: "shutdown",
                _SHUTOFF: "shutoff", _CRASHED: "crashed", _PMSUSPENDED: "pmsuspended"}

T = TypeVar("T")


def _quiet(_ctx: object, _err: object) -> None:
    """libvirt's error callback: say nothing (errors are raised as exceptions)."""


def _load_libvirt() -> Any:
    """The ``libvirt`` module, with its printing of every error to stderr turned off.

    Raises:
        ToolMissingError: libvirt-python (or the libvirt library) is not installed.
    """
    try:
        import libvirt
    except ImportError as e:
        raise ToolMissingError(f"the libvirt Python binding is not usable ({e}): run scripts/setup "
                               "(apt packages libvirt-dev pkg-config, pip package libvirt-python)") from None
    libvirt.registerErrorHandler(_quiet, None)
    return libvirt


def domain_name(name: str) -> str:
    """The libvirt domain name of partition ``name``."""
    return PREFIX + name


def default_state_dir() -> Path:
    """``DRIFT_LIBVIRT_STATE_DIR``, else ``$DRIFT_STATE_DIR/libvirt``, else
    :data:`DEFAULT_STATE_DIR` for root (a path a system libvirtd's QEMU can reach), else
    ``$XDG_STATE_HOME/drift/libvirt`` (``~/.local/state/drift/libvirt``)."""
    env = os.environ.get("DRIFT_LIBVIRT_STATE_DIR")
    if env:
        return Path(env)
    drift_state = os.environ.get("DRIFT_STATE_DIR")
    if drift_state:
        return Path(drift_state) / "libvirt"
    if os.geteuid() == 0:
        return DEFAULT_STATE_DIR
    state_home = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state_home) / "drift" / "libvirt"


def _number(text: str | None, default: float) -> float:
    """A number from the metadata; ``default`` if absent or garbled (edited by hand)."""
    try:
        return float(text) if text else default
    except ValueError:
        return default


def run_dir_of(uri: str) -> Path | None:
    """libvirtd's run folder for a local ``uri`` (its ``qemu/NAME.pid`` files), None if unknown or remote.

    ``qemu+unix:///system?socket=DIR/run/libvirt-sock`` (scripts/libvirtd) gives
    ``DIR/run``; ``qemu:///system`` gives ``/run/libvirt``.
    """
    parts = urlsplit(uri)
    if parts.hostname or not parts.scheme.startswith("qemu"):
        return None
    socket = parse_qs(parts.query).get("socket")
    if socket:
        return Path(socket[0]).parent
    return SYSTEM_RUN_DIR if parts.path.rstrip("/") == "/system" else None


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def _serial(devices: ET.Element, kind: str, port: int, path: Path, log: Path | None = None) -> None:
    """An ISA 16550 (``isa-serial`` index ``port``: 0x3f8, 0x2f8, 0x3e8) backed by a file or a listening socket."""
    serial = _sub(devices, "serial", type=kind)
    if kind == "file":
        _sub(serial, "source", path=str(path), append="on")
    else:
        _sub(serial, "source", mode="bind", path=str(path))
    if log is not None:
        _sub(serial, "log", file=str(log), append="on")
    target = _sub(serial, "target", type="isa-serial", port=str(port))
    _sub(target, "model", name="isa-serial")


def _a64_args(folder: Path, sock: Path) -> list[str]:
    """aarch64: stderr and the channel (pci-serial in slots 1 and 2) and the semihosting exit, as QEMU arguments."""
    return ["-chardev", f"file,id=drifterr,path={folder / STDERR_LOG},append=on",
            "-device", f"pci-serial,chardev=drifterr,addr={qemu.PCI_SLOT_STDERR}",
            "-chardev", f"socket,id={A64_CHANNEL_ID},path={sock},server=on,wait=off,"
                        f"logfile={folder / CHANNEL_LOG},logappend=on",
            "-device", f"pci-serial,chardev={A64_CHANNEL_ID},addr={qemu.PCI_SLOT_CHANNEL}",
            "-semihosting-config", qemu.SEMIHOSTING]


def domain_xml(spec: PartitionSpec, *, accel_name: str, boot_image: Path, folder: Path,
               metadata: dict[str, str], arch: str = "x86_64", dname: str | None = None,
               channel_sock: Path | None = None, shared_ram: bool = False) -> str:
    """The libvirt domain XML of a partition (see the module docstring for the devices).

    ``accel_name`` is resolved (kvm or tcg), so is ``spec.machine`` (None: the
    architecture's default); ``metadata`` becomes Drift's ``<metadata>``
    element, one child per key; ``arch`` is the image's.  ``dname`` is the
    domain's name (default ``drift-NAME``), ``channel_sock`` the channel's
    socket (default ``FOLDER/channel.sock``).  ``spec.devices`` (a snapshot's
    ``loader``) go in as ``-device`` arguments through ``<qemu:commandline>``.
    ``shared_ram``: guest RAM is a shared memfd (``<memoryBacking>``, QEMU's
    ``memory-backend-memfd,share=on``), which the host can open through
    ``/proc/PID/fd`` and write into (:func:`guest_ram_fd`).
    """
    machine = qemu.resolve_machine(arch, spec.machine)
    sock = channel_sock or folder / CHANNEL_SOCKET
    ET.register_namespace("qemu", QEMU_NAMESPACE)
    dom = ET.Element("domain", type="kvm" if accel_name == "kvm" else "qemu")
    _sub(dom, "name", dname or domain_name(spec.name))
    _sub(dom, "uuid", str(uuid.uuid4()))
    _sub(dom, "title", f"Drift partition {spec.name}")
    record = ET.SubElement(_sub(dom, "metadata"), f"{{{NAMESPACE}}}partition")
    for key, value in metadata.items():
        _sub(record, f"{{{NAMESPACE}}}{key}", value)
    _sub(dom, "memory", str(spec.memory_mib), unit="MiB")
    if shared_ram:
        backing = _sub(dom, "memoryBacking")
        _sub(backing, "source", type="memfd")
        _sub(backing, "access", mode="shared")
    _sub(dom, "vcpu", str(spec.cpus))
    tune = _cputune(spec)
    if tune is not None:
        dom.append(tune)
    os_el = _sub(dom, "os")
    _sub(os_el, "type", "hvm", arch=arch, machine=machine)
    if machine == "q35":
        # qboot: SeaBIOS would print its banner on COM1 (the program's stdout)
        _sub(os_el, "loader", str(QBOOT_ROM), type="rom", readonly="yes")
    _sub(os_el, "kernel", str(boot_image))
    if spec.append:
        _sub(os_el, "cmdline", spec.append)
    if machine == "virt":
        _sub(_sub(dom, "features"), "gic", version="host" if accel_name == "kvm" else "2")
    _sub(dom, "cpu", mode="host-passthrough" if accel_name == "kvm" else "maximum")
    for event in ("on_poweroff", "on_reboot", "on_crash"):
        _sub(dom, event, "destroy")
    devices = _sub(dom, "devices")
    if arch == "aarch64":
        serial = _sub(devices, "serial", type="file")
        _sub(serial, "source", path=str(folder / STDOUT_LOG), append="on")
        _sub(_sub(serial, "target", type="system-serial", port="0"), "model", name="pl011")
        args = _a64_args(folder, sock)
    else:
        _serial(devices, "file", 0, folder / STDOUT_LOG)
        _serial(devices, "file", 1, folder / STDERR_LOG)
        _serial(devices, "unix", 2, sock, log=folder / CHANNEL_LOG)
        args = ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    _sub(devices, "controller", type="usb", model="none")
    _sub(devices, "memballoon", model="none")
    if machine == "microvm":
        args += ["-machine", "x-option-roms=off,rtc=on"]  # as the direct backend (merged into -machine)
    for device in spec.devices:
        args += ["-device", device]
    cmdline = ET.SubElement(dom, f"{{{QEMU_NAMESPACE}}}commandline")
    for arg in args:
        ET.SubElement(cmdline, f"{{{QEMU_NAMESPACE}}}arg", value=arg)
    ET.indent(dom)
    return ET.tostring(dom, encoding="unicode")


def channel_socket_of(xml: str) -> Path | None:
    """The channel's socket path in a domain's XML (the unix serial port), None if it has none.
    After a live migration it is ``channel.N.sock`` (runtime/libvirt_migrate.py)."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    source = root.find("./devices/serial[@type='unix']/source")
    if source is not None and source.get("path"):
        return Path(source.attrib["path"])
    for arg in root.iter(f"{{{QEMU_NAMESPACE}}}arg"):   # aarch64: the chardev in <qemu:commandline>
        value = arg.get("value") or ""
        if value.startswith(f"socket,id={A64_CHANNEL_ID},"):
            for option in value.split(","):
                if option.startswith("path="):
                    return Path(option[len("path="):])
    return None


def channel_chardev_of(xml: str) -> str | None:
    """The QEMU chardev id of the channel in a running domain's XML (for QMP ``chardev-send-break``):
    ``char`` + the unix serial's alias (x86_64), :data:`A64_CHANNEL_ID` (aarch64); None if it has none."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    alias = root.find("./devices/serial[@type='unix']/alias")
    if alias is not None and alias.get("name"):
        return f"char{alias.attrib['name']}"
    for arg in root.iter(f"{{{QEMU_NAMESPACE}}}arg"):
        if (arg.get("value") or "").startswith(f"socket,id={A64_CHANNEL_ID},"):
            return A64_CHANNEL_ID
    return None


def partition_of(dname: str) -> str | None:
    """The partition name of a domain called ``drift-NAME`` or ``drift-NAME@N``; None for other names."""
    if not dname.startswith(PREFIX):
        return None
    name, mark, generation = dname[len(PREFIX):].partition(GENERATION_MARK)
    if mark and not generation.isdigit():
        return None
    return name if NAME_RE.fullmatch(name) else None


def _cputune(spec: PartitionSpec) -> ET.Element | None:
    """``<cputune>`` for the spec's CPU limits (cgroups), None without limits.

    ``cpu_max`` (percent of one CPU) is the whole domain's quota per 100 ms
    period; ``cpu_min`` is approximated by CPU shares (100 % = 1024, the
    default weight).

    Raises:
        UsageError: a limit out of range, or ``cpu_burst`` (libvirt has no burst setting).
    """
    if spec.cpu_burst is not None:
        raise UsageError("the libvirt backend cannot set a CPU burst (libvirt has no such setting): "
                         "drop it or use the direct backend")
    if spec.cpu_min is None and spec.cpu_max is None:
        return None
    tune = ET.Element("cputune")
    if spec.cpu_min is not None:
        if spec.cpu_min < 1:
            raise UsageError(f"the CPU minimum must be at least 1 % (got {spec.cpu_min})")
        _sub(tune, "shares", str(max(2, spec.cpu_min * 1024 // 100)))
    if spec.cpu_max is not None:
        if spec.cpu_max < 1:
            raise UsageError(f"the CPU maximum must be at least 1 % (got {spec.cpu_max})")
        _sub(tune, "global_period", "100000")
        _sub(tune, "global_quota", str(spec.cpu_max * 1000))
    return tune


def _tail(path: Path, size: int = _TAIL_BYTES) -> bytes:
    """The last ``size`` bytes of a file (empty if it cannot be read)."""
    try:
        with path.open("rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - size))
            return f.read()
    except OSError:
        return b""


class LibvirtBackend(Backend):
    """Partitions as persistent libvirt domains ``drift-NAME`` on one URI.

    ``uri`` None means ``$LIBVIRT_DEFAULT_URI``, else :data:`DEFAULT_URI`.
    The connection is opened on first use.  ``state_dir`` (default
    :func:`default_state_dir`) holds one folder per partition; it must be a
    path the libvirt host sees too (the backend is meant for local URIs, or a
    remote host sharing those paths).  ``run_dir`` is libvirtd's run folder,
    for QEMU's pid (default: derived from the URI by :func:`run_dir_of`).
    """

    name = "libvirt"

    def __init__(self, uri: str | None, state_dir: Path | None = None, *, run_dir: Path | None = None) -> None:
        self.uri = uri or os.environ.get("LIBVIRT_DEFAULT_URI") or DEFAULT_URI
        self.state_dir = (state_dir if state_dir is not None else default_state_dir()).absolute()
        self.run_dir = run_dir if run_dir is not None else run_dir_of(self.uri)
        self._lv: Any = None
        self._conn: Any = None

    # ---- the connection and error mapping -------------------------------------------

    def _lib(self) -> Any:
        """The libvirt module (loaded once).

        Raises:
            ToolMissingError: libvirt-python is not installed.
        """
        if self._lv is None:
            self._lv = _load_libvirt()
        return self._lv

    def connection(self) -> Any:
        """The open ``virConnect`` (opened, or reopened if it died).

        Raises:
            ToolMissingError: libvirt-python is not installed.
            BackendError: libvirtd cannot be reached on the URI.
        """
        lv = self._lib()
        if self._conn is not None:
            with contextlib.suppress(lv.libvirtError):
                if self._conn.isAlive():
                    return self._conn
            self.close()
        try:
            self._conn = lv.open(self.uri)
        except lv.libvirtError as e:
            raise BackendError(f"cannot connect to libvirt at {self.uri}: {e.get_error_message()} "
                               "(is libvirtd running? scripts/libvirtd start DIR starts a private one)") from None
        return self._conn

    def close(self) -> None:
        """Close the connection (the next call opens a new one)."""
        if self._conn is not None and self._lv is not None:
            with contextlib.suppress(self._lv.libvirtError):
                self._conn.close()
        self._conn = None

    def _call(self, what: str, name: str, fn: Callable[[], T]) -> T:
        """Run a libvirt call, mapping its errors.

        Raises:
            PartitionNotFound: the domain does not exist (any more).
            PartitionStateError: libvirt says the operation is invalid in the domain's state.
            BackendError: any other libvirt error.
        """
        lv = self._lib()
        try:
            return fn()
        except lv.libvirtError as e:
            code = e.get_error_code()
            message = e.get_error_message()
            if code == lv.VIR_ERR_NO_DOMAIN:
                raise PartitionNotFound(f"no partition {name!r} on {self.uri}") from None
            if code == lv.VIR_ERR_OPERATION_INVALID:
                raise PartitionStateError(f"cannot {what} partition {name!r}: {message}") from None
            raise BackendError(f"libvirt could not {what} partition {name!r}: {message}") from None

    def _domain(self, name: str) -> Any:
        """The ``virDomain`` of a Drift partition: ``drift-NAME``, or ``drift-NAME@N`` after a
        ``drift migrate --arch`` within one libvirtd (a destination still being set up is not it).

        Raises:
            PartitionNotFound: no such domain, or one Drift did not make (no Drift metadata).
            BackendError: libvirt failed.
        """
        if not NAME_RE.fullmatch(name):
            raise PartitionNotFound(f"no partition {name!r} on {self.uri} (not a valid partition name)")
        lv = self._lib()
        conn = self.connection()
        try:
            dom = conn.lookupByName(domain_name(name))
        except lv.libvirtError as e:
            if e.get_error_code() != lv.VIR_ERR_NO_DOMAIN:
                raise BackendError(f"libvirt could not find partition {name!r}: {e.get_error_message()}") from None
        else:
            if self._metadata(dom, name).get("staging") != "1":
                return dom
        for other in self.domains_of(name):
            if other.name() != domain_name(name):
                with contextlib.suppress(PartitionNotFound):
                    if self._metadata(other, name).get("staging") != "1":
                        return other
        raise PartitionNotFound(f"no partition {name!r} on {self.uri}")

    def domains_of(self, name: str) -> list[Any]:
        """Every domain called ``drift-NAME`` or ``drift-NAME@N`` (Drift's or not, staging or not).

        Raises:
            BackendError: libvirt failed.
        """
        lv = self._lib()
        try:
            domains = self.connection().listAllDomains(0)
        except lv.libvirtError as e:
            raise BackendError(f"libvirt could not list domains on {self.uri}: {e.get_error_message()}") from None
        return [d for d in domains if partition_of(str(d.name())) == name]

    def _metadata(self, dom: Any, name: str) -> dict[str, str]:
        """Drift's metadata of a domain, as strings.

        Raises:
            PartitionNotFound: the domain has none (Drift did not make it) or is gone.
            BackendError: libvirt failed.
        """
        lv = self._lib()
        try:
            text = dom.metadata(lv.VIR_DOMAIN_METADATA_ELEMENT, NAMESPACE, 0)
        except lv.libvirtError as e:
            if e.get_error_code() in (lv.VIR_ERR_NO_DOMAIN_METADATA, lv.VIR_ERR_NO_DOMAIN):
                raise PartitionNotFound(f"no partition {name!r} on {self.uri} (the libvirt domain "
                                        f"{domain_name(name)} is not a Drift partition)") from None
            raise BackendError(f"libvirt could not read the metadata of {domain_name(name)}: "
                               f"{e.get_error_message()}") from None
        try:
            root = ET.fromstring(str(text))
        except ET.ParseError as e:
            raise BackendError(f"the Drift metadata of {domain_name(name)} is not XML: {e}") from None
        return {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in root}

    def _folder(self, dom: Any, name: str) -> Path:
        """The partition's folder, as recorded in its metadata.

        Raises:
            PartitionNotFound, BackendError: as :meth:`_metadata`.
        """
        return Path(self._metadata(dom, name).get("folder") or self.state_dir / name)

    # ---- state ------------------------------------------------------------------------

    def _pid(self, dname: str, boot_image: Path) -> int | None:
        """QEMU's pid for domain ``dname``: libvirt's pid file, else a scan of /proc (local hosts only);
        None if unknown."""
        candidates: list[int] = []
        if self.run_dir is not None:
            with contextlib.suppress(OSError, ValueError):
                candidates.append(int((self.run_dir / "qemu" / f"{dname}.pid").read_text()))
        needle = f"guest={dname},".encode()
        kernel = str(boot_image).encode()
        for pid in candidates:
            with contextlib.suppress(OSError):
                if needle in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
        with contextlib.suppress(OSError):
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                with contextlib.suppress(OSError):
                    args = Path(entry.path, "cmdline").read_bytes().split(b"\0")
                    if needle in b"\0".join(args) and kernel in args:
                        return int(entry.name)
        return None

    @staticmethod
    def _classify(state: int, reason: int, folder: Path) -> tuple[str, str | None, int | None]:
        """(Drift state, reason, exit status) from libvirt's state and reason."""
        if state in (_RUNNING, _BLOCKED, _SHUTDOWN):
            return "running", None, None
        if state in (_PAUSED, _PMSUSPENDED):
            return "paused", None, None
        if state == _CRASHED:
            return "crashed", "libvirt reports the guest crashed", None
        drift_state, why = _SHUTOFF_REASONS.get(reason, ("stopped", f"shut off (libvirt reason {reason})"))
        status = channel.exit_status(folder / CHANNEL_LOG) if reason == 3 else None
        if status is not None:
            if status == STATUS["SNAPSTOP"]:     # moved on (drift snapshot --stop), as the direct backend says
                return "stopped", describe(status), status
            if status > STATUS["USER_MAX"]:
                return "crashed", describe(status), status
            return "stopped", None, status
        if reason == 3 and CPU_FAULT_MARK in _tail(folder / STDERR_LOG):
            return "crashed", "CPU fault in the guest (crash report in the stderr log)", CPU_FAULT_STATUS
        return drift_state, why, None

    def _info(self, dom: Any, name: str) -> PartitionInfo:
        """A domain's PartitionInfo.

        Raises:
            PartitionNotFound: it went away meanwhile, or is not a Drift partition.
            BackendError: libvirt failed.
        """
        meta = self._metadata(dom, name)
        folder = Path(meta.get("folder") or self.state_dir / name)
        state, reason = self._call("query", name, lambda: dom.state())
        drift_state, why, status = self._classify(int(state), int(reason), folder)
        started_at = _number(meta.get("started-at"), 0.0)
        boot_image = Path(meta.get("boot-image") or folder / BOOT_IMAGE)
        dname = str(dom.name())
        pid = None
        uptime = None
        if drift_state in ("running", "paused"):
            pid = self._pid(dname, boot_image)
            if pid is not None and self.run_dir is not None:
                # started again outside Drift (virsh start): the pid file is much newer than the record
                with contextlib.suppress(OSError):
                    mtime = (self.run_dir / "qemu" / f"{dname}.pid").stat().st_mtime
                    if mtime > started_at + _RESTART_SLACK_S:
                        started_at = mtime
            uptime = max(0.0, time.time() - started_at)
        qmp = {"running": "running", "paused": "paused"}.get(drift_state)
        return PartitionInfo(
            name=name, state=drift_state, backend=self.name, image=meta.get("image", ""),
            arch=meta.get("arch", "x86_64"), accel=meta.get("accel", ""),
            memory_mib=int(_number(meta.get("memory-mib"), 0)), cpus=int(_number(meta.get("cpus"), 1)),
            started_at=started_at, uptime_s=uptime, pid=pid, qmp_status=qmp, exit_status=status,
            reason=why, console_log=str(folder / STDOUT_LOG),
            channel=meta.get("channel-socket") or str(folder / CHANNEL_SOCKET),
            extra={"domain": dname, "uri": self.uri, "machine": meta.get("machine", ""),
                   "image_sha256": meta.get("image-sha256", ""), "boot_image": str(boot_image),
                   "stderr_log": str(folder / STDERR_LOG), "channel_log": str(folder / CHANNEL_LOG),
                   "libvirt": f"{_STATE_NAMES.get(int(state), str(state))} (reason {int(reason)})"},
        )

    def _state(self, dom: Any, name: str) -> int:
        """libvirt's state of a domain.

        Raises:
            PartitionNotFound, BackendError: as :meth:`_call`.
        """
        return int(self._call("query", name, lambda: dom.state())[0])

    # ---- the Backend interface ------------------------------------------------------------

    def _prepare(self, spec: PartitionSpec) -> tuple[image.Manifest, str, Path]:
        """Check a spec: name, machine, resources, accelerator, the image; return (manifest, accel, image path).

        Raises:
            UsageError: a bad name, machine or CPU limit.
            LaunchError: memory or CPU count out of range, or a machine not for the image's architecture.
            ImageError: the image fails :func:`runtime.image.verify`.
            AccelError: the accelerator is unusable.
        """
        validate_name(spec.name)
        if spec.machine is not None and spec.machine not in MACHINES:
            raise UsageError(f"unknown machine {spec.machine!r}: use one of {', '.join(MACHINES)}")
        qemu.check_resources(spec.memory_mib, spec.cpus)
        _cputune(spec)
        source = spec.image.absolute()
        manifest = image.verify(source)
        qemu.resolve_machine(manifest.arch, spec.machine)
        return manifest, accel.resolve(spec.accel, manifest.arch), source

    def start(self, spec: PartitionSpec) -> PartitionInfo:
        """Define and boot the domain ``drift-NAME``; return once its CPUs run.

        The image is verified, copied into the partition's folder and booted
        from there.  The domain is started paused and then resumed, so a
        program that ends at once still counts as started.  A ``loader``
        device in ``spec.devices`` (``drift restore``) has its file copied into
        the folder too.

        Raises:
            UsageError: a bad name, machine or CPU limit (or a CPU burst).
            ImageError: the image is missing or fails verification.
            AccelError: the accelerator asked for is unusable.
            ToolMissingError: libvirt-python is missing; qboot (q35) is missing on a local host.
            PartitionExists: a domain ``drift-NAME`` exists (running or not).
            LaunchError: memory/CPUs out of range, the folder cannot be made,
                its socket path is too long, or libvirt/QEMU refused to start the domain.
            BackendError: libvirt is unreachable or refused the definition.
        """
        return self._info(self.boot(spec), spec.name)

    def boot(self, spec: PartitionSpec, *, join: Path | None = None, generation: int = 1,
             staging: bool = False, extra: dict[str, str] | None = None, shared_ram: bool = False) -> Any:
        """Define and start a partition's domain; its ``virDomain`` (see :meth:`start`).

        ``join``: the folder of an existing partition NAME, which the new domain
        shares (the destination of ``drift migrate --arch``): its logs are
        appended to and nothing in it is removed; the domain is ``drift-NAME``
        if that name is free on this libvirtd, else ``drift-NAME@GENERATION``, and
        its image copy and channel socket carry ``generation`` in their names.
        ``staging``: the domain is not listed or found as the partition until
        :meth:`promote`.  ``extra``: more of Drift's metadata.  ``shared_ram``: guest RAM is a
        shared memfd the host can write into (:func:`domain_xml`, :meth:`guest_ram`).

        Raises:
            as :meth:`start`; with ``join``, PartitionExists only if ``drift-NAME@GENERATION`` is taken too.
        """
        manifest, accel_name, source = self._prepare(spec)
        machine = qemu.resolve_machine(manifest.arch, spec.machine)
        spec = dataclasses.replace(spec, machine=machine)
        lv = self._lib()
        conn = self.connection()
        taken = {str(d.name()) for d in self.domains_of(spec.name)}
        dname = domain_name(spec.name)
        if join is not None and dname in taken:
            dname = f"{dname}{GENERATION_MARK}{generation}"
        if dname in taken or (join is None and taken):
            raise PartitionExists(f"partition {spec.name!r} exists on {self.uri} (libvirt domain "
                                  f"{dname if dname in taken else sorted(taken)[0]}): `drift rm` it first")
        if spec.machine == "q35" and self.run_dir is not None and not QBOOT_ROM.exists():
            raise ToolMissingError(f"{QBOOT_ROM} is missing (package qemu-system-x86, or qemu-system-data)")
        folder = join if join is not None else self.state_dir / spec.name
        tag = f".{generation}" if generation > 1 else ""
        boot_image = folder / f"image{tag}.elf"
        sock = folder / f"channel{tag}.sock"
        if join is None:
            self._make_folder(folder, source)
        self._check_socket(sock)
        try:
            if join is not None:
                shutil.copyfile(source, boot_image)
            spec = dataclasses.replace(spec, devices=tuple(self._own_files(spec.devices, folder, tag)))
        except OSError as e:
            if join is None:
                shutil.rmtree(folder, ignore_errors=True)
            raise LaunchError(f"cannot prepare the partition folder {folder}: {e.strerror or e}") from None
        metadata = {"name": spec.name, "image": str(source), "image-sha256": manifest.image_sha256,
                    "arch": manifest.arch, "accel": accel_name, "machine": machine,
                    "memory-mib": str(spec.memory_mib), "cpus": str(spec.cpus), "append": spec.append,
                    "folder": str(folder), "started-at": repr(time.time()), "generation": str(generation),
                    "boot-image": str(boot_image), "channel-socket": str(sock)}
        metadata.update(extra or {})
        if staging:
            metadata["staging"] = "1"
        xml = domain_xml(spec, accel_name=accel_name, boot_image=boot_image, folder=folder,
                         metadata=metadata, arch=manifest.arch, dname=dname, channel_sock=sock,
                         shared_ram=shared_ram)
        try:
            dom = conn.defineXML(xml)
        except lv.libvirtError as e:
            self._unprepare(folder, join, generation)
            if e.get_error_code() in (lv.VIR_ERR_OPERATION_FAILED, lv.VIR_ERR_DOM_EXIST):
                raise PartitionExists(f"partition {spec.name!r} exists on {self.uri}: {e.get_error_message()}") \
                    from None
            raise BackendError(f"libvirt refused the domain {dname}: {e.get_error_message()}") from None
        try:
            dom.createWithFlags(lv.VIR_DOMAIN_START_PAUSED)
            dom.resume()
        except lv.libvirtError as e:
            self.discard(dom)
            self._unprepare(folder, join, generation)
            raise LaunchError(f"libvirt could not start {dname}: {e.get_error_message()}") from None
        return dom

    @staticmethod
    def _own_files(devices: tuple[str, ...], folder: Path, tag: str) -> list[str]:
        """``devices`` with each ``loader``'s ``file=`` copied into the folder (``snapshot[.N].dsnap``):
        the domain then needs nothing outside its folder.  Raises OSError if the copy fails."""
        out = []
        for device in devices:
            options = device.split(",")
            if options[0] == "loader":
                for i, option in enumerate(options):
                    if option.startswith("file="):
                        own = folder / f"snapshot{tag}.dsnap"
                        shutil.copyfile(option[len("file="):], own)
                        options[i] = f"file={own}"
            out.append(",".join(options))
        return out

    @classmethod
    def _unprepare(cls, folder: Path, join: Path | None, generation: int) -> None:
        """Undo a failed :meth:`boot`'s files: the whole new folder, or only what it added to a joined one."""
        if join is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            cls.unprepare(folder, generation)

    @staticmethod
    def unprepare(folder: Path, generation: int) -> None:
        """Remove what :meth:`boot` with ``join=folder`` added to a partition folder (best effort)."""
        tag = f".{generation}" if generation > 1 else ""
        for leftover in (f"image{tag}.elf", f"channel{tag}.sock", f"snapshot{tag}.dsnap"):
            with contextlib.suppress(OSError):
                (folder / leftover).unlink()

    def promote(self, dom: Any, name: str) -> None:
        """Make a staging domain (:meth:`boot` ``staging=True``) the partition ``name`` (its metadata).

        Raises:
            PartitionNotFound, BackendError: libvirt failed.
        """
        lv = self._lib()
        meta = self._metadata(dom, name)
        meta.pop("staging", None)
        record = ET.Element(f"{{{NAMESPACE}}}partition")
        for key, value in meta.items():
            _sub(record, f"{{{NAMESPACE}}}{key}", value)
        text = ET.tostring(record, encoding="unicode")
        flags = lv.VIR_DOMAIN_AFFECT_LIVE | lv.VIR_DOMAIN_AFFECT_CONFIG
        try:
            self._call("update the metadata of", name,
                       lambda: dom.setMetadata(lv.VIR_DOMAIN_METADATA_ELEMENT, text, "drift", NAMESPACE, flags))
        except PartitionStateError:
            # It is not running any more: its program ended just after it resumed (a move near the
            # end of a program).  It is still the partition, ended, with its exit status.
            self._call("update the metadata of", name,
                       lambda: dom.setMetadata(lv.VIR_DOMAIN_METADATA_ELEMENT, text, "drift", NAMESPACE,
                                               lv.VIR_DOMAIN_AFFECT_CONFIG))

    def discard(self, dom: Any) -> None:
        """Destroy (if running) and undefine a domain, leaving its folder (best effort)."""
        lv = self._lib()
        with contextlib.suppress(lv.libvirtError):
            if dom.isActive():
                dom.destroy()
        with contextlib.suppress(lv.libvirtError):
            dom.undefine()

    @staticmethod
    def _check_socket(sock: Path) -> None:
        """Raises LaunchError if ``sock`` is too long for a Unix socket path."""
        if len(os.fsencode(sock)) > _SUN_PATH_MAX:
            raise LaunchError(f"{sock}: too long for a Unix socket ({_SUN_PATH_MAX} bytes at most): "
                              "use a shorter state folder (DRIFT_LIBVIRT_STATE_DIR)")

    def _make_folder(self, folder: Path, source: Path) -> None:
        """A fresh partition folder with the image copy and empty logs.

        Raises:
            LaunchError: it cannot be written, or the socket path is too long.
        """
        self._check_socket(folder / CHANNEL_SOCKET)
        try:
            if folder.exists():  # left over from a partition whose domain is gone
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            shutil.copyfile(source, folder / BOOT_IMAGE)
            for log in (STDOUT_LOG, STDERR_LOG, CHANNEL_LOG):
                (folder / log).touch()
        except OSError as e:
            raise LaunchError(f"cannot prepare the partition folder {folder}: {e.strerror or e}") from None

    def list(self) -> list[PartitionInfo]:
        """Every Drift partition on the URI (domains ``drift-*`` with Drift metadata), sorted by name.

        Raises:
            ToolMissingError: libvirt-python is missing.
            BackendError: libvirt is unreachable or failed.
        """
        lv = self._lib()
        conn = self.connection()
        try:
            domains = conn.listAllDomains(0)
        except lv.libvirtError as e:
            raise BackendError(f"libvirt could not list domains on {self.uri}: {e.get_error_message()}") from None
        found: list[PartitionInfo] = []
        for dom in domains:
            name = partition_of(str(dom.name()))
            if name is None:
                continue
            with contextlib.suppress(PartitionNotFound):  # not Drift's, or removed meanwhile
                if self._metadata(dom, name).get("staging") != "1":   # a cross-arch move's destination
                    found.append(self._info(dom, name))
        return sorted(found, key=lambda info: info.name)

    def inspect(self, name: str) -> PartitionInfo:
        """One partition's information (state, image, memory, uptime, QEMU's pid when local).

        Raises:
            PartitionNotFound: no Drift partition of that name on the URI.
            ToolMissingError, BackendError: as :meth:`connection`.
        """
        return self._info(self._domain(name), name)

    def pause(self, name: str) -> None:
        """Stop the guest's CPUs (virDomainSuspend).

        Raises:
            PartitionNotFound: no such partition.
            PartitionStateError: it is not running.
            BackendError: libvirt failed.
        """
        dom = self._domain(name)
        if self._state(dom, name) not in (_RUNNING, _BLOCKED):
            raise PartitionStateError(f"partition {name!r} is not running: cannot pause it")
        self._call("pause", name, lambda: dom.suspend())

    def resume(self, name: str) -> None:
        """Restart the guest's CPUs (virDomainResume).

        Raises:
            PartitionNotFound: no such partition.
            PartitionStateError: it is not paused.
            BackendError: libvirt failed.
        """
        dom = self._domain(name)
        if self._state(dom, name) != _PAUSED:
            raise PartitionStateError(f"partition {name!r} is not paused: cannot resume it")
        self._call("resume", name, lambda: dom.resume())

    def stop(self, name: str, timeout: float = 10.0) -> None:
        """End the partition: QEMU gets SIGTERM and quits (virDomainDestroyFlags GRACEFUL,
        the counterpart of QMP ``quit``); after ``timeout`` seconds it is destroyed.

        A Drift guest has no ACPI and no shutdown handler, so virDomainShutdown
        would do nothing.

        Raises:
            PartitionNotFound: no such partition.
            PartitionStateError: it is not running or paused.
            BackendError: libvirt failed.
        """
        lv = self._lib()
        dom = self._domain(name)
        if not self._call("query", name, lambda: dom.isActive()):
            raise PartitionStateError(f"partition {name!r} is not running: nothing to stop")
        with contextlib.suppress(lv.libvirtError):  # still running after libvirt's own wait: see below
            dom.destroyFlags(lv.VIR_DOMAIN_DESTROY_GRACEFUL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if not dom.isActive():
                    return
            except lv.libvirtError:
                return
            time.sleep(_STOP_POLL_S)
        self._destroy(dom, name)

    def kill(self, name: str) -> None:
        """End the partition at once (virDomainDestroy: SIGTERM, then SIGKILL).

        Raises:
            PartitionNotFound: no such partition.
            PartitionStateError: it is not running or paused.
            BackendError: libvirt failed.
        """
        dom = self._domain(name)
        if not self._call("query", name, lambda: dom.isActive()):
            raise PartitionStateError(f"partition {name!r} is not running: nothing to kill")
        self._destroy(dom, name)

    def _destroy(self, dom: Any, name: str) -> None:
        """virDomainDestroy; a domain that ended meanwhile is fine.

        Raises:
            BackendError: libvirt failed.
        """
        lv = self._lib()
        try:
            dom.destroy()
        except lv.libvirtError as e:
            if e.get_error_code() in (lv.VIR_ERR_OPERATION_INVALID, lv.VIR_ERR_NO_DOMAIN):
                return
            raise BackendError(f"libvirt could not destroy {domain_name(name)}: {e.get_error_message()}") from None

    def remove(self, name: str) -> None:
        """Undefine a stopped partition's domain and delete its folder.

        Raises:
            PartitionNotFound: no such partition.
            PartitionStateError: it is running or paused (stop or kill it first).
            BackendError: libvirt failed, or the folder cannot be deleted.
        """
        dom = self._domain(name)
        folder = self._folder(dom, name)
        if self._call("query", name, lambda: dom.isActive()):
            raise PartitionStateError(f"partition {name!r} is still running: `drift stop` or `drift kill` it first")
        self._call("undefine", name, lambda: dom.undefine())
        try:
            shutil.rmtree(folder)
        except FileNotFoundError:
            pass
        except OSError as e:
            raise BackendError(f"partition {name!r} is undefined but {folder} could not be deleted: "
                               f"{e.strerror or e}") from None

    def console_log(self, name: str) -> Path:
        """The program's stdout log (COM1); stderr has its own, :meth:`stderr_log`.

        Raises:
            PartitionNotFound: no such partition.
            BackendError: libvirt failed.
        """
        return self._folder(self._domain(name), name) / STDOUT_LOG

    def stderr_log(self, name: str) -> Path | None:
        """The program's stderr log (COM2).

        Raises:
            PartitionNotFound: no such partition.
            BackendError: libvirt failed.
        """
        return self._folder(self._domain(name), name) / STDERR_LOG

    def channel_socket(self, name: str) -> Path:
        """The Unix socket QEMU listens on for the channel (COM3).

        Raises:
            PartitionNotFound: no such partition.
            BackendError: libvirt failed.
        """
        dom = self._domain(name)
        found = channel_socket_of(self._call("read the XML of", name, lambda: dom.XMLDesc(0)))
        return found if found is not None else self._folder(dom, name) / CHANNEL_SOCKET

    def channel_log(self, name: str) -> Path:
        """The log of everything the guest sent on the channel.

        Raises:
            PartitionNotFound: no such partition.
            BackendError: libvirt failed.
        """
        return self._folder(self._domain(name), name) / CHANNEL_LOG

    def channel_cursor(self, name: str) -> Path:
        """The file recording how much of the channel log ``drift recv`` consumed.

        Raises:
            PartitionNotFound: no such partition.
            BackendError: libvirt failed.
        """
        return self._folder(self._domain(name), name) / CHANNEL_CURSOR

    # ---- snapshots (runtime/snapctl.py) -----------------------------------------------------

    def metadata(self, name: str) -> dict[str, str]:
        """Drift's record of partition ``name`` (image, arch, memory, folder...), as strings.

        Raises:
            PartitionNotFound: no such partition.
            BackendError: libvirt failed.
        """
        return self._metadata(self._domain(name), name)

    def send_break(self, name: str) -> None:
        """Send a break on the partition's channel (QMP ``chardev-send-break`` through
        ``virDomainQemuMonitorCommand``: libvirt has no API for it); the guest polls for it and
        writes a snapshot at its next safe point.

        Raises:
            PartitionNotFound: no such partition.
            PartitionStateError: it is not running.
            ToolMissingError: the ``libvirt_qemu`` module (part of libvirt-python) is missing.
            BackendError: libvirt or QEMU refused the command.
        """
        dom = self._domain(name)
        if self._state(dom, name) not in (_RUNNING, _BLOCKED):
            raise PartitionStateError(f"partition {name!r} is not running")
        chardev = channel_chardev_of(self._call("read the XML of", name, lambda: dom.XMLDesc(0)))
        if chardev is None:
            raise BackendError(f"the domain {dom.name()} has no Drift channel (a unix serial port)")
        try:
            import libvirt_qemu
        except ImportError as e:
            raise ToolMissingError(f"libvirt_qemu is not importable ({e}): reinstall libvirt-python") from None
        command = json.dumps({"execute": "chardev-send-break", "arguments": {"id": chardev}})
        answer = self._call("send a break to", name, lambda: libvirt_qemu.qemuMonitorCommand(dom, command, 0))
        if "error" in json.loads(answer):
            raise BackendError(f"QEMU refused the break on {chardev} of {dom.name()}: {answer}")

    def read_guest_memory(self, name: str, addr: int, size: int) -> bytes:
        """``size`` bytes of the guest's physical memory at ``addr`` (``virDomainMemoryPeek``, in pieces
        of at most :data:`PEEK_MAX` bytes: the remote protocol's limit).

        Raises:
            PartitionNotFound: no such partition.
            PartitionStateError: it is not running.
            BackendError: libvirt refused (e.g. an address outside guest RAM).
        """
        lv = self._lib()
        dom = self._domain(name)
        parts: list[bytes] = []

        def peek(at: int, n: int) -> Callable[[], bytes]:
            return lambda: bytes(dom.memoryPeek(at, n, lv.VIR_MEMORY_PHYSICAL))

        for at in range(addr, addr + size, PEEK_MAX):
            parts.append(self._call("read the memory of", name, peek(at, min(PEEK_MAX, addr + size - at))))
        return b"".join(parts)

    def guest_ram(self, dom: Any, name: str, size: int) -> int:
        """An open read-write descriptor of the guest RAM of a running domain booted with
        ``shared_ram`` (:meth:`boot`): QEMU's ``memory-backend-memfd`` of ``size`` bytes, opened
        through ``/proc/PID/fd`` (QEMU's pid from libvirtd's pid file).  Offset 0 is the first byte of
        guest RAM.  Only where this host runs the domain's QEMU: a local libvirtd (any namespace but
        the pid one), as root or QEMU's user.

        Raises:
            BackendError: the libvirtd is remote (its QEMU is not on this host), QEMU's pid is
                unknown, it has no shared RAM memfd of that size (or several), or it cannot be opened.
            PartitionNotFound: the domain has no Drift metadata (any more).
        """
        if self.run_dir is None:
            raise BackendError(f"{self.uri} is not a local libvirtd: its QEMU's RAM cannot be opened here")
        meta = self._metadata(dom, name)
        dname = str(dom.name())
        pid = self._pid(dname, Path(meta.get("boot-image") or self._folder(dom, name) / BOOT_IMAGE))
        if pid is None:
            raise BackendError(f"QEMU of {dname} not found on this host (no pid file in {self.run_dir / 'qemu'})")
        fds = Path(f"/proc/{pid}/fd")
        found: list[Path] = []
        try:
            for entry in fds.iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(entry).startswith(_RAM_MEMFD) and entry.stat().st_size == size:
                        found.append(entry)
        except OSError as e:
            raise BackendError(f"cannot list the files of QEMU {pid} ({dname}): {e.strerror or e}") from None
        if len(found) != 1:
            raise BackendError(f"QEMU {pid} ({dname}) has {len(found)} RAM memfds of {size} bytes, not one")
        try:
            fd = os.open(found[0], os.O_RDWR | os.O_CLOEXEC)
        except OSError as e:
            raise BackendError(f"cannot open the RAM of QEMU {pid} ({dname}): {e.strerror or e}") from None
        if os.fstat(fd).st_size != size:
            os.close(fd)
            raise BackendError(f"the RAM memfd of QEMU {pid} ({dname}) changed under us")
        return fd
