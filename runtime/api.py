"""The Python API: :class:`Image` and :class:`Partition`, the verbs of the ``drift`` command.

::

    from runtime import Image, Partition

    with Partition.run(Image("app.elf"), name="a") as p:   # boots in the background
        p.send("hello")                                     # on the host channel (COM3)
        print(p.recv(wait=5))                               # the program's next message
        print(p.logs().stdout)
    # leaving the block stops the partition and removes it

Partitions run on a :class:`~runtime.backend.Backend`: by default the
``direct`` one (:class:`~runtime.partition.DirectBackend`, QEMU processes
started here); pass ``backend=`` for another.  Every method raises a
:class:`~runtime.errors.DriftError` subclass on failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import termios
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from . import build, cgroups, channel, image
from .backend import Backend, PartitionInfo, PartitionSpec, validate_name
from .errors import ChannelError, DriftError, PartitionNotFound, PartitionStateError, UsageError
from .hosts import Host
from .partition import DirectBackend, name_for, reachable

#: States in which QEMU runs (the guest may be paused).
LIVE = ("running", "paused")
SEND_TIMEOUT_S = 10.0
_POLL_S = 0.05
#: How often a waiting loop asks the backend whether the partition still runs.
_STATE_EVERY_S = 0.5


class Image:
    """A bootable Drift image (``.elf``) with its manifest beside it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"Image({str(self.path)!r})"

    @classmethod
    def build(cls, source: str | os.PathLike[str], output: str | os.PathLike[str] | None = None, *,
              arch: str = "x86_64", memory_mib: int = build.DEFAULT_MEMORY_MIB) -> Image:
        """Compile ``source`` (a .py) into an image (default: beside it, ``.elf``) and its manifest.

        Raises:
            CompileError: the program is outside Drift's subset.
            ToolMissingError: the guest kernel cannot be built.
            ImageError: the image cannot be written.
            OSError: the source cannot be read.
        """
        src = Path(source)
        out = Path(output) if output is not None else src.with_suffix(".elf")
        code, src_hash = build.compile_path(src)
        image.build_image(build.kernel(arch), code, out, source_name=src.name, source_sha256=src_hash,
                          arch=arch, memory_mib=memory_mib)
        return cls(out)

    def verify(self) -> image.Manifest:
        """Check the image against its manifest; return the manifest.

        Raises:
            ImageError: missing, modified or corrupt, or no manifest.
        """
        return image.verify(self.path)

    @property
    def sha256(self) -> str:
        """The image's SHA-256 (from its verified manifest).  Raises ImageError as :meth:`verify`."""
        return self.verify().image_sha256



@dataclass(frozen=True)
class Logs:
    """What a partition's program wrote so far."""

    stdout: str
    stderr: str


def _outq(sock_fd: int) -> int:
    """Bytes sent on a stream socket that the peer has not read yet (SIOCOUTQ)."""
    buf = fcntl.ioctl(sock_fd, termios.TIOCOUTQ, struct.pack("i", 0))
    value: int = struct.unpack("i", buf)[0]
    return value


def deliver(sock: Path, message: str, timeout: float) -> None:
    """Send ``message`` to the channel socket ``sock`` and wait until the peer has read all of it.

    Raises:
        ChannelError: the socket cannot be reached or sending fails.
        TimeoutError: the peer has not read everything within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    with reachable(sock) as path, channel.Connection(Path(path), timeout) as conn:
        conn.send(message)
        while _outq(conn.sock.fileno()) > 0:
            if time.monotonic() >= deadline:
                raise TimeoutError
            time.sleep(_POLL_S / 5)


class Partition:
    """A partition (running or finished) known to a backend, by name.

    Usable as a context manager: leaving the block stops the partition (kills
    it if it does not stop) and removes it.
    """

    def __init__(self, name: str, backend: Backend | None = None) -> None:
        self.name = name
        self.backend: Backend = backend if backend is not None else DirectBackend()

    def __repr__(self) -> str:
        return f"Partition({self.name!r}, backend={self.backend.name!r})"

    # ---- creating and finding ----

    @classmethod
    def run(cls, img: Image | str | os.PathLike[str], *, name: str | None = None, memory_mib: int | None = None,
            cpus: int = 1, accel: str = "auto", machine: str | None = None, append: str = "",
            cpu_min: int | None = None, cpu_max: int | None = None, cpu_burst: int | None = None,
            backend: Backend | None = None, host: Host | None = None) -> Partition:
        """Boot ``img`` in the background as partition ``name`` (default: a fresh name from the image's),
        on ``host`` (default local; another host needs the direct backend: see :mod:`runtime.hosts`).

        ``memory_mib`` defaults to the image manifest's, ``machine`` to its architecture's
        default (x86_64: microvm; aarch64: virt); ``cpu_min/max/burst``
        are CPU limits in percent of one CPU (cgroup v2, see :mod:`runtime.cgroups`).

        Raises:
            UsageError: an invalid name or CPU limits (checked first); a host that is not
                local with a backend other than the direct one, or CPU limits on an ssh host.
            ImageError: the image is missing or does not match its manifest (or could not
                be copied to an ssh host).
            AccelError, ToolMissingError, PartitionExists, HostError,
            PartitionStateError, LaunchError: as :meth:`Backend.start`.
        """
        path = img.path if isinstance(img, Image) else Path(img)
        if name is not None:
            validate_name(name)
        cgroups.validate(cgroups.CpuLimits(cpu_min, cpu_max, cpu_burst))
        memory = memory_mib if memory_mib is not None else image.verify(path).memory_mib
        spec = PartitionSpec(name=name or name_for(path), image=path, memory_mib=memory, cpus=cpus, accel=accel,
                             machine=machine, append=append, cpu_min=cpu_min, cpu_max=cpu_max, cpu_burst=cpu_burst)
        partition = cls(spec.name, backend)
        if host is not None and host.kind != "local":
            if not isinstance(partition.backend, DirectBackend):
                raise UsageError(f"cannot start on {host} with the {partition.backend.name} backend "
                                 "(libvirt hosts are given as --connect URI)")
            if host.kind == "ssh" and cgroups.CpuLimits(cpu_min, cpu_max, cpu_burst).any():
                raise UsageError(f"CPU limits are not supported on an ssh host ({host})")
            partition.backend.start(spec, host=host)
        else:
            partition.backend.start(spec)
        return partition

    @classmethod
    def get(cls, name: str, backend: Backend | None = None) -> Partition:
        """An existing partition.

        Raises:
            UsageError: an invalid name.
            PartitionNotFound: there is none of that name.
        """
        partition = cls(name, backend)
        partition.info()
        return partition

    @classmethod
    def all(cls, backend: Backend | None = None) -> list[Partition]:
        """Every partition the backend knows, sorted by name."""
        chosen = backend if backend is not None else DirectBackend()
        return [cls(info.name, chosen) for info in chosen.list()]

    # ---- state ----

    def info(self) -> PartitionInfo:
        """Current information (``drift inspect``).  Raises PartitionNotFound for an unknown name."""
        return self.backend.inspect(self.name)

    @property
    def state(self) -> str:
        """``running``, ``paused``, ``stopped`` or ``crashed``.  Raises PartitionNotFound."""
        return self.info().state

    def wait(self, timeout: float | None = None) -> PartitionInfo:
        """Wait until the partition has ended (stopped or crashed); its final information.

        Raises:
            PartitionNotFound: it does not exist (or was removed meanwhile).
            PartitionStateError: it still runs after ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            info = self.info()
            if info.state not in LIVE:
                return info
            if deadline is not None and time.monotonic() >= deadline:
                raise PartitionStateError(f"{self.name} is still {info.state} after {timeout:g} s")
            time.sleep(_POLL_S)

    # ---- control ----

    def pause(self) -> None:
        """Stop the guest's CPUs.  Raises PartitionStateError unless it is running."""
        self.backend.pause(self.name)

    def resume(self) -> None:
        """Restart the guest's CPUs.  Raises PartitionStateError unless it is paused."""
        self.backend.resume(self.name)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the VMM to quit and wait (then kill).  Raises PartitionStateError if it has ended."""
        self.backend.stop(self.name, timeout)

    def kill(self) -> None:
        """End it at once (SIGKILL).  Raises PartitionStateError if it has ended."""
        self.backend.kill(self.name)

    def remove(self, force: bool = False) -> None:
        """Forget it; ``force`` kills it first if it still runs.

        Raises:
            PartitionNotFound: unknown name.
            PartitionStateError: it still runs and ``force`` is False.
        """
        info = self.info()
        if force and (info.state in LIVE or info.pid is not None):  # crashed, but QEMU still there
            with contextlib.suppress(PartitionStateError):  # it ended meanwhile
                self.backend.kill(self.name)
        self.backend.remove(self.name)

    # ---- output ----

    def _stderr_path(self) -> Path | None:
        return self.backend.stderr_log(self.name)

    def logs(self) -> Logs:
        """The program's stdout and stderr so far.  Raises PartitionNotFound for an unknown name."""
        err = self._stderr_path()
        return Logs(stdout=_read_log(self.backend.console_log(self.name)),
                    stderr=_read_log(err) if err is not None else "")

    def copy_logs(self, stdout: BinaryIO, stderr: BinaryIO, follow: bool = False) -> None:
        """Write the program's stdout log to ``stdout`` and its stderr log to ``stderr``;
        with ``follow``, keep copying new output until the partition ends.

        Raises:
            PartitionNotFound: unknown name (or removed while following).
        """
        sources = [(self.backend.console_log(self.name), stdout)]
        if (err := self._stderr_path()) is not None:
            sources.append((err, stderr))
        offsets = [0] * len(sources)
        last_check = 0.0
        while True:
            for i, (path, stream) in enumerate(sources):
                offsets[i] = _copy_from(path, offsets[i], stream)
            if not follow:
                return
            if time.monotonic() - last_check >= _STATE_EVERY_S:
                last_check = time.monotonic()
                if self.state not in LIVE:
                    follow = False  # one more pass picks up the last output
                    continue
            time.sleep(_POLL_S * 2)

    # ---- the host channel ----

    def _require_live(self, action: str) -> None:
        """Raises PartitionStateError unless the partition's VMM runs."""
        info = self.info()
        if info.state not in LIVE:
            raise PartitionStateError(f"cannot {action} {self.name}: it is {info.state}")

    def send(self, message: str, timeout: float = SEND_TIMEOUT_S) -> None:
        """Send one message on the channel; returns once the program has read all of it.

        (QEMU drops what is still unread when the sender disconnects, so this
        waits for the program's ``drift.recv()`` to take the message.)

        Raises:
            PartitionNotFound: unknown name.
            PartitionStateError: the partition has ended.
            ChannelError: the channel cannot be reached, or the program did not
                read the message within ``timeout`` seconds.
        """
        self._require_live("send to")
        try:
            deliver(self.backend.channel_socket(self.name), message, timeout)
        except TimeoutError:
            raise ChannelError(f"{self.name} did not read the message within {timeout:g} s "
                               "(a program reads messages with drift.recv())") from None

    def recv(self, wait: float = 0.0) -> str | None:
        """The oldest message the program sent that no ``recv`` returned yet, from the
        channel log; waits up to ``wait`` seconds for one.  None if there is none
        (or the partition ended without sending one).

        Raises:
            PartitionNotFound: unknown name.
        """
        log, cursor = self.backend.channel_log(self.name), self.backend.channel_cursor(self.name)
        deadline = time.monotonic() + wait
        last_check = time.monotonic()
        while True:
            message = _recv_locked(log, cursor)
            if message is not None or time.monotonic() >= deadline:
                return message
            if time.monotonic() - last_check >= _STATE_EVERY_S:
                last_check = time.monotonic()
                if self.state not in LIVE:
                    return _recv_locked(log, cursor)
            time.sleep(_POLL_S / 5)

    def request(self, message: str, timeout: float = SEND_TIMEOUT_S) -> str:
        """Send ``message`` and return the program's answer: the next unread message it sends.

        Raises:
            PartitionNotFound, PartitionStateError: as :meth:`send`.
            ChannelError: sending failed, or no answer within ``timeout`` seconds.
        """
        start = time.monotonic()
        self.send(message, timeout)
        answer = self.recv(wait=max(0.0, timeout - (time.monotonic() - start)))
        if answer is None:
            raise ChannelError(f"{self.name} sent no answer within {timeout:g} s")
        return answer

    # ---- context manager ----

    def __enter__(self) -> Partition:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Stop (or kill) and remove the partition; errors while cleaning up are raised
        only if the block itself succeeded."""
        try:
            if self.state in LIVE:
                with contextlib.suppress(PartitionStateError):  # it ended meanwhile
                    self.stop(timeout=5.0)
            self.remove(force=True)
        except PartitionNotFound:
            pass
        except DriftError:
            if exc is None:
                raise


def _recv_locked(log: Path, cursor: Path) -> str | None:
    """:func:`channel.recv` under an exclusive lock on the log, so that two receivers
    never get the same message (unlocked if the log cannot be opened)."""
    try:
        fd = os.open(log, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return channel.recv(log, cursor)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return channel.recv(log, cursor)
    finally:
        os.close(fd)


def _read_log(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


def _copy_from(path: Path, offset: int, stream: BinaryIO) -> int:
    """Copy ``path`` from ``offset`` to ``stream``; the new offset."""
    try:
        with path.open("rb") as f:
            f.seek(offset)
            data = f.read()
    except FileNotFoundError:
        return offset
    if data:
        stream.write(data)
        stream.flush()
    return offset + len(data)
