"""Taking and restoring VM snapshots of partitions (docs/snapshots.md).

Taking: the host sends a break on the partition's channel (QMP
``chardev-send-break``, which the guest polls for); at its next safe point the guest writes the snapshot into its own
RAM and answers ``ESC snap ADDR LEN`` (in the channel log); the host copies
those bytes out with QMP ``pmemsave`` -- it never interprets the heap -- checks
the header, then answers ``ESC resume`` or ``ESC stop``.  Between the two the
program is paused at its safe point (its pause).

Restoring: the bytecode the snapshot belongs to (cached by its SHA-256 when
the snapshot was taken) is built into an image for the target architecture,
and a partition boots it with the snapshot loaded into the top of guest RAM
(QEMU's generic ``loader`` device) and ``drift.restore=ADDR`` on the kernel
command line.  The guest VM checks it all again and resumes the program.

Both backends: a ``direct`` partition is reached through its own QMP socket;
a ``libvirt`` one through libvirt (the break with ``virDomainQemuMonitorCommand``,
the copy-out with ``virDomainMemoryPeek``, the loader through
``<qemu:commandline>``: runtime/libvirt_backend.py).  A snapshot is the
program's state, not the machine's, so one taken under either backend
restores under either, on either architecture.
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import build, image, paths, snapshot
from .errors import ChannelError, PartitionStateError, SnapshotError, UsageError

if TYPE_CHECKING:
    from .backend import Backend, PartitionSpec
    from .hosts import Host

#: Where guest RAM starts on each architecture's QEMU machine (microvm / virt).
RAM_BASE = {"x86_64": 0, "aarch64": 0x4000_0000}
MIB = 1 << 20
SNAP_TIMEOUT_S = 30.0


def _store() -> Path:
    d = paths.BUILD / "snapshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def cache_bytecode(code: bytes) -> str:
    """Keep ``code`` by its SHA-256 (what a snapshot names), so a restore finds it; the digest."""
    digest = hashlib.sha256(code).hexdigest()
    f = _store() / f"{digest}.dbc"
    if not f.exists():
        tmp = f.with_suffix(".tmp")
        tmp.write_bytes(code)
        tmp.replace(f)
    return digest


def cached_bytecode(digest: str) -> bytes:
    """The bytecode a snapshot belongs to.  Raises SnapshotError if it was never seen here."""
    f = _store() / f"{digest}.dbc"
    try:
        return f.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"the program of this snapshot (bytecode {digest[:16]}...) is unknown here: "
                            "give its image or source with --image") from None


@dataclass
class Taken:
    """A snapshot copied out of a paused guest, which waits for :meth:`finish`."""

    data: bytes
    info: snapshot.Snapshot | None        # None until checked
    pause_start: float
    sock: socket.socket

    def finish(self, stop: bool) -> float:
        """Tell the guest to go on (or to stop with SNAPSTOP); the pause in seconds."""
        try:
            self.sock.sendall(b"\x1bstop\n" if stop else b"\x1bresume\n")
            _drained(self.sock, time.monotonic() + 10)
        except OSError as e:
            raise ChannelError(f"the partition did not take the answer to its snapshot: {e}") from None
        finally:
            self.sock.close()
        return time.monotonic() - self.pause_start


def _drained(sock: socket.socket, deadline: float) -> None:
    """Wait until the peer has read what we sent (QEMU drops unread bytes when we hang up)."""
    from .api import _outq

    while _outq(sock.fileno()) > 0 and time.monotonic() < deadline:
        time.sleep(0.0005)


def _record(log: Path, start: int, word: str, deadline: float) -> list[str]:
    """The words of the first control record ``ESC word ...`` in ``log`` after byte ``start``."""
    tag = b"\x1b" + word.encode()
    while True:
        try:
            with log.open("rb") as f:
                f.seek(start)
                data = f.read()
        except FileNotFoundError:
            data = b""
        for line in data.split(b"\n")[:-1]:
            if line.startswith(tag + b" ") or line == tag:
                return line[1:].decode("ascii", "replace").split()
            if line.startswith(b"\x1bexit"):
                raise PartitionStateError("the program ended before it reached a safe point")
        if time.monotonic() > deadline:
            raise ChannelError("the partition did not answer the snapshot request in time "
                               "(the program reached no safe point)")
        time.sleep(0.001)


@contextmanager
def _channel(d: Path, sock_path: Path | None = None) -> Iterator[socket.socket]:
    """A connection to the channel socket ``sock_path`` (default: a direct partition's in ``d``).

    Raises:
        ChannelError: it cannot be reached.
    """
    from .partition import CHANNEL_SOCK, reachable

    try:
        with reachable(sock_path or d / CHANNEL_SOCK) as path:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
            except OSError:
                s.close()
                raise
    except OSError as e:
        raise ChannelError(f"cannot reach the channel of the partition: {e}") from None
    yield s


@dataclass
class Access:
    """How to snapshot one running partition, whatever its backend."""

    #: The channel's log (where the guest's ``ESC snap ADDR LEN`` appears) and socket.
    log: Path
    sock: Path
    #: The image it booted (its bytecode is what the snapshot must belong to).
    image: Path
    send_break: Callable[[], None]
    #: (guest physical address, size) -> those bytes of guest RAM
    read: Callable[[int, int], bytes]


def access(name: str, backend: Backend | None = None) -> Access:
    """The snapshot plumbing of running partition ``name`` on ``backend`` (default: direct).

    Raises:
        PartitionNotFound, UsageError: no such partition.
        PartitionStateError: it is not running.
        BackendError: libvirt failed.
    """
    from .partition import CHANNEL_LOG, CHANNEL_SOCK, QMP_SOCK, DirectBackend, qmp

    backend = backend or DirectBackend()
    if backend.inspect(name).state != "running":
        raise PartitionStateError(f"partition {name} is not running")
    if isinstance(backend, DirectBackend):
        d, meta = backend.locate(name)

        remote = meta.get("ssh")

        def pmemsave(addr: int, size: int) -> bytes:
            if isinstance(remote, dict):                 # QEMU on an ssh host writes the file there
                from . import hosts, sshhost
                there = f"{remote['dir']}/snapshot.tmp"
                qmp(d / QMP_SOCK, [("pmemsave", {"val": addr, "size": size, "filename": there})])
                return sshhost.take_file(sshhost.resolve(hosts.parse(str(meta.get("host")))), there)
            out = d / "snapshot.tmp"
            out.unlink(missing_ok=True)
            qmp(d / QMP_SOCK, [("pmemsave", {"val": addr, "size": size, "filename": str(out)})])
            try:
                return out.read_bytes()
            finally:
                out.unlink(missing_ok=True)

        def send_break() -> None:
            qmp(d / QMP_SOCK, [("chardev-send-break", {"id": "ch"})])

        return Access(log=d / CHANNEL_LOG, sock=d / CHANNEL_SOCK, image=Path(str(meta["image"])),
                      send_break=send_break, read=pmemsave)
    from .libvirt_backend import BOOT_IMAGE, LibvirtBackend
    from .libvirt_backend import CHANNEL_LOG as LV_CHANNEL_LOG

    if not isinstance(backend, LibvirtBackend):
        raise UsageError(f"the {backend.name} backend cannot take snapshots")
    lv = backend
    record = lv.metadata(name)
    folder = Path(record.get("folder") or lv.state_dir / name)
    return Access(log=folder / LV_CHANNEL_LOG, sock=lv.channel_socket(name),
                  image=Path(record.get("boot-image") or folder / BOOT_IMAGE),
                  send_break=lambda: lv.send_break(name),
                  read=lambda addr, size: lv.read_guest_memory(name, addr, size))


def take(name: str, timeout: float = SNAP_TIMEOUT_S, backend: Backend | None = None) -> Taken:
    """Pause partition ``name`` (on ``backend``, default direct) at a safe point and copy its
    snapshot out; it waits for ``finish``.

    Raises:
        PartitionNotFound, UsageError: no such partition.
        PartitionStateError: it is not running (or ended first).
        ChannelError: no answer in time (e.g. the program waits for a message).
        SnapshotError: the guest could not write one, or what it wrote is invalid.
        BackendError: libvirt failed.
    """
    acc = access(name, backend)
    log = acc.log
    mark = log.stat().st_size if log.exists() else 0
    with _channel(log.parent, acc.sock) as sock:
        keep = False
        try:
            acc.send_break()                                      # the guest polls for it
            words = _record(log, mark, "snap", time.monotonic() + timeout)
            paused = time.monotonic()
            taken = Taken(b"", None, paused, sock)
            if len(words) < 3:
                taken.finish(stop=False)
                keep = True
                raise SnapshotError("the guest could not write a snapshot (not enough free memory in its arena)")
            addr, size = int(words[1], 16), int(words[2], 16)
            data = acc.read(addr, size)
            if len(data) >= snapshot.HEADER_SIZE and snapshot.get(data, "checksum") == bytes(32):
                data = snapshot.seal(data)        # a guest leaves its checksum to us (docs/snapshots.md)
            code = image.extract(acc.image)
            try:
                info = snapshot.check(data, code)
            except SnapshotError:
                taken.finish(stop=False)
                keep = True
                raise
            cache_bytecode(code)
            taken.data, taken.info = data, info
            keep = True
            return taken
        finally:
            if not keep:
                with_resume(sock)


def with_resume(sock: socket.socket) -> None:
    """Best effort: let a guest that may be paused at a snapshot go on, and hang up."""
    try:
        sock.sendall(b"\x1bresume\n")
        _drained(sock, time.monotonic() + 2)
    except OSError:
        pass
    sock.close()


def image_for(code: bytes, arch: str, memory_mib: int) -> Path:
    """An image of ``code`` for ``arch`` (cached by bytecode, kernel and memory)."""
    digest = hashlib.sha256(code).hexdigest()
    kernel = build.kernel(arch)
    key = hashlib.sha256(code + kernel.read_bytes() + str(memory_mib).encode()).hexdigest()[:16]
    out = _store() / f"{key}-{arch}.elf"
    if not out.exists() or image.load_manifest(out) is None:
        image.build_image(kernel, code, out, source_name=f"{digest[:16]}.dbc", source_sha256=digest,
                          arch=arch, memory_mib=memory_mib)
    return out


def memory_for(data: bytes, at_least: int) -> int:
    """Guest RAM (MiB) to restore a snapshot: the program's, plus the snapshot and twice its heap."""
    heap = int(snapshot.get(data, "heap_bytes"))
    return max(at_least, 8 + (len(data) + 2 * heap) // MIB * 2 + 2)


def restore_spec(data: bytes, info: snapshot.Snapshot, *, arch: str | None, name: str,
                 memory_mib: int | None = None, accel: str = "auto", code: bytes | None = None,
                 machine: str | None = None) -> tuple[PartitionSpec, Path]:
    """The PartitionSpec that boots the program of ``data`` resumed from it (and the stored snapshot file).

    Raises:
        SnapshotError: the program is unknown here.
        UsageError: an unknown architecture.
    """
    from .backend import PartitionSpec

    arch = arch or info.arch
    if arch not in RAM_BASE:
        raise UsageError(f"unknown architecture {arch!r}: use one of {', '.join(RAM_BASE)}")
    if code is None:
        code = cached_bytecode(info.code_sha256)
    elif hashlib.sha256(code).hexdigest() != info.code_sha256:
        raise SnapshotError("snapshot belongs to another program (its bytecode hash differs from this image's)")
    memory = memory_mib or memory_for(data, build.DEFAULT_MEMORY_MIB)
    img = image_for(code, arch, memory)
    stored = _store() / f"{hashlib.sha256(data).hexdigest()[:32]}.dsnap"
    if not stored.exists():
        stored.write_bytes(data)
    top = RAM_BASE[arch] + memory * MIB
    addr = (top - len(data) - MIB) & ~(MIB - 1)
    spec = PartitionSpec(name=name, image=img, memory_mib=memory, accel=accel, machine=machine,
                         append=f"drift.restore={addr:x}",
                         devices=(f"loader,file={stored},addr={addr:#x},force-raw=on",))
    return spec, stored


def restore(path: Path, *, arch: str | None, name: str | None, memory_mib: int | None = None,
            accel: str = "auto", code: bytes | None = None, backend: Backend | None = None,
            host: Host | None = None) -> tuple[str, snapshot.Snapshot]:
    """Boot a partition resumed from the snapshot file ``path`` on ``backend`` (default direct),
    for a direct partition on ``host`` (default local); its name and the snapshot's header.

    Raises:
        SnapshotError: corrupt, truncated, another format version, unknown program.
        UsageError: ``host`` given for a libvirt partition (``--connect`` names its libvirtd).
        HostError, ToolMissingError: ``host`` is unusable.
        and what starting a partition raises (PartitionExists, LaunchError...).
    """
    from . import hosts
    from .partition import DirectBackend

    backend = backend or DirectBackend()
    host = host or hosts.LOCAL
    if host != hosts.LOCAL and not isinstance(backend, DirectBackend):
        raise UsageError(f"--to {host}: a libvirt partition runs where its libvirtd is: "
                         "give that libvirtd's URI with --connect instead")
    host.check()
    data, info = snapshot.read(path)
    name = name or f"{path.stem}-restored"
    spec, _ = restore_spec(data, info, arch=arch, name=name, memory_mib=memory_mib, accel=accel, code=code)
    if isinstance(backend, DirectBackend):
        backend.start(spec, host=host)
    else:
        backend.start(spec)
    return name, info
