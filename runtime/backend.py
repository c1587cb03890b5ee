"""The partition backends' common interface.

A *partition* is one running (or finished) guest: an image booted by a
backend.  Two backends implement :class:`Backend`:

- ``direct`` (:mod:`runtime.partition`): QEMU processes started by Drift,
  controlled over QMP, with one private state directory per partition;
- ``libvirt`` (:mod:`runtime.libvirt_backend`): libvirt domains on a
  ``--connect`` URI, for users with many hosts.

Guest devices are the same on both (docs/partitions.md): COM1 the program's
stdout, COM2 its stderr, COM3 the host channel (a line-based text protocol,
:mod:`runtime.channel`), ``isa-debug-exit`` for the exit status.
"""

from __future__ import annotations

import abc
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import UsageError

#: A partition name: 1-63 of ``[a-zA-Z0-9_.-]``, starting with a letter or digit.
NAME_RE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")


def validate_name(name: str) -> str:
    """Return ``name`` if it is a valid partition name (every backend uses this).

    Raises:
        UsageError: it is not 1-63 characters of ``[a-zA-Z0-9_.-]`` starting with a letter or digit.
    """
    if not NAME_RE.fullmatch(name):
        raise UsageError(f"invalid partition name {name!r}: use 1-63 letters, digits, '_', '.' or '-', "
                         "starting with a letter or digit")
    return name


#: The states a partition can be in, as ``drift ps --json`` reports them.
STATES = ("running", "paused", "stopped", "crashed")


@dataclass(frozen=True)
class PartitionSpec:
    """What to start: the image (checked against its manifest before launch) and its resources."""

    name: str
    image: Path
    memory_mib: int = 8
    cpus: int = 1
    accel: str = "auto"
    #: None: the image architecture's default machine (runtime.qemu.resolve_machine).
    machine: str | None = None
    append: str = ""
    #: CPU limits for cgroup v2 (percent of one CPU); None: unlimited.
    cpu_min: int | None = None
    cpu_max: int | None = None
    cpu_burst: int | None = None
    #: Extra QEMU ``-device`` arguments (``drift restore`` loads a snapshot with one).
    devices: tuple[str, ...] = ()


@dataclass
class PartitionInfo:
    """What ``drift ps``/``drift inspect`` show; ``to_json()`` is the stable ``--json`` form.

    ``state`` is one of :data:`STATES`; ``exit_status`` is the program's status
    once stopped; ``reason`` says why a crashed partition ended.
    """

    name: str
    state: str
    backend: str
    image: str
    arch: str
    accel: str
    memory_mib: int
    cpus: int
    started_at: float
    uptime_s: float | None = None
    pid: int | None = None
    qmp_status: str | None = None
    exit_status: int | None = None
    reason: str | None = None
    console_log: str | None = None
    channel: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class Backend(abc.ABC):
    """Start and control partitions.  Every method raises a DriftError subclass
    on failure: PartitionNotFound for an unknown name, LaunchError when the
    VMM refuses, ToolMissingError/AccelError as for ``drift run``."""

    name: str

    @abc.abstractmethod
    def start(self, spec: PartitionSpec) -> PartitionInfo:
        """Boot a partition in the background; returns once the VMM runs the guest."""

    @abc.abstractmethod
    def list(self) -> list[PartitionInfo]:
        """All partitions this backend knows, finished ones included, sorted by name."""

    @abc.abstractmethod
    def inspect(self, name: str) -> PartitionInfo:
        """One partition's current information."""

    @abc.abstractmethod
    def pause(self, name: str) -> None:
        """Stop the guest's CPUs (QMP ``stop``)."""

    @abc.abstractmethod
    def resume(self, name: str) -> None:
        """Restart the guest's CPUs (QMP ``cont``)."""

    @abc.abstractmethod
    def stop(self, name: str, timeout: float = 10.0) -> None:
        """End the partition gracefully: ask the VMM to quit (QMP ``quit``), wait."""

    @abc.abstractmethod
    def kill(self, name: str) -> None:
        """End the partition at once (SIGKILL / virDomainDestroy)."""

    @abc.abstractmethod
    def remove(self, name: str) -> None:
        """Forget a partition that is not running (its state directory goes)."""

    @abc.abstractmethod
    def console_log(self, name: str) -> Path:
        """The file the program's stdout (and, after it, stderr) is logged to."""

    @abc.abstractmethod
    def channel_socket(self, name: str) -> Path:
        """The Unix socket of the host end of the partition's channel (COM3)."""

    @abc.abstractmethod
    def channel_log(self, name: str) -> Path:
        """The file every line the guest sent on the channel is logged to."""

    def stderr_log(self, name: str) -> Path | None:
        """The file the program's stderr is logged to on its own, or None if it shares
        :meth:`console_log`.  Raises PartitionNotFound for an unknown name."""
        self.console_log(name)
        return None

    def channel_cursor(self, name: str) -> Path:
        """The file recording how much of :meth:`channel_log` ``drift recv`` has consumed
        (beside the log by default).  Raises PartitionNotFound for an unknown name."""
        log = self.channel_log(name)
        return log.with_name(log.name + ".cursor")
