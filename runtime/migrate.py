"""Live migration of a running direct-backend partition (``drift migrate NAME --to HOST``).

How it goes (docs/migration.md):

1. A staging directory ``partitions/.NAME.migrate-XXXXXXXX`` is made beside the
   partition's.  The partition's output files (``stdout.log``, ``stderr.log``,
   ``channel.log``, ``channel.cursor``) are hard-linked into it: both QEMUs
   append to the very same files, so the program's output continues with
   nothing lost or duplicated (the source stops writing before the
   destination starts).
2. The destination QEMU starts there, under the same wrapper as any partition,
   with the source's command line (:func:`runtime.qemu.incoming_command`:
   ``-incoming defer``, no ``-S``, the channel log appended to).  It has its
   own ``qmp.sock``, ``channel.sock``, ``pid`` and ``exit``.
3. Over QMP: the ``events`` capability on both sides, ``downtime-limit`` and
   ``max-bandwidth`` on the source, ``migrate-incoming tcp:ADDRESS:0`` on the
   destination (QEMU picks a free port; ``query-migrate`` tells it),
   ``migrate`` on the source, then ``query-migrate`` until it completes.
4. The switch: ``meta.json`` with the destination's pids is written in the
   staging directory, which is then atomically exchanged with the
   partition's (``renameat2(RENAME_EXCHANGE)``).  From that instant every
   ``drift`` command (ps, inspect, logs, send, recv, request, stop...) sees the
   destination, and ``channel.sock`` is the destination's.  The source, now
   under the staging name, is told to quit, and its directory is removed.

Any failure before the switch (the destination dies, QEMU reports an error,
Ctrl-C, a timeout) cancels the migration (``migrate_cancel``), kills the
destination and removes the staging directory: the source runs on as if
nothing happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qemu.qmp import QMPClient, QMPError

from . import cgroups, hosts, partition, qemu, sshhost
from .errors import BackendError, HostError, LaunchError, MigrationError, PartitionStateError, UsageError
from .hosts import LOCAL, Host
from .partition import DirectBackend, StateDir, process_alive, qmp, reachable

#: The files both QEMUs share (hard links in the staging directory).
SHARED = (partition.STDOUT_LOG, partition.STDERR_LOG, partition.CHANNEL_LOG, partition.CHANNEL_CURSOR)
QMP_SOCK = partition.QMP_SOCK
START_TIMEOUT_S = partition.START_TIMEOUT_S
DEFAULT_DOWNTIME_MS = 50
#: ``max-bandwidth`` when none is asked for: in effect unlimited.
UNLIMITED_BANDWIDTH = 1 << 40
#: Per QMP command: a source busy migrating a fast-dirtying TCG guest can answer slowly.
QMP_TIMEOUT_S = 15.0
#: How long the end of a migration may take on each side (cancelling, the destination starting the guest).
SETTLE_S = 10.0
KILL_WAIT_S = 5.0
_POLL_S = 0.02
#: Source ``query-migrate`` states in which the migration is still going.
ACTIVE = frozenset({"setup", "active", "pre-switchover", "device", "wait-unplug", "cancelling",
                    "postcopy-active", "postcopy-paused", "postcopy-recover"})
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2

#: Set to 1 to allow ``--postcopy`` under TCG anyway (tests of the mechanism; see :func:`migrate`).
ALLOW_TCG_POSTCOPY = "DRIFT_ALLOW_TCG_POSTCOPY"

#: Called with each ``query-migrate`` answer of the source while the migration runs.
Progress = Callable[[Mapping[str, Any]], None]


@dataclass(frozen=True)
class MigrateOptions:
    """User-tunable migration parameters.

    ``downtime_limit_ms``: QEMU's ``downtime-limit`` (the longest the guest may be
    stopped); ``bandwidth_mib_s``: ``max-bandwidth`` in MiB/s (None: unlimited);
    ``timeout_s``: give up (and cancel) after this long (None: never).
    """

    downtime_limit_ms: int = DEFAULT_DOWNTIME_MS
    bandwidth_mib_s: float | None = None
    timeout_s: float | None = None
    #: ``postcopy-ram``: after the first full pass, switch to the destination and fetch the rest on demand.
    postcopy: bool = False
    #: ``multifd`` with this many channels (None: one stream).
    multifd_channels: int | None = None
    #: ``xbzrle``: send the XOR-RLE delta of pages dirtied again (cache ``xbzrle_cache_mib``).
    xbzrle: bool = False
    xbzrle_cache_mib: int = 64
    #: ``auto-converge``: throttle the guest's CPU while it dirties memory faster than it is sent.
    auto_converge: bool = False

    def validate(self) -> None:
        """Raises UsageError for a non-positive limit, bandwidth or timeout, or options QEMU 7.2
        cannot combine (postcopy with multifd)."""
        if self.downtime_limit_ms < 1 or self.downtime_limit_ms > 2_000_000:
            raise UsageError(f"--downtime-limit must be 1..2000000 ms (got {self.downtime_limit_ms})")
        if self.bandwidth_mib_s is not None and self.bandwidth_mib_s <= 0:
            raise UsageError(f"--bandwidth must be positive (got {self.bandwidth_mib_s:g} MiB/s)")
        if self.timeout_s is not None and self.timeout_s <= 0:
            raise UsageError(f"--timeout must be positive (got {self.timeout_s:g} s)")
        if self.multifd_channels is not None and not 1 <= self.multifd_channels <= 255:
            raise UsageError(f"--multifd must be 1..255 channels (got {self.multifd_channels})")
        if self.postcopy and self.multifd_channels is not None:
            raise UsageError("--postcopy and --multifd cannot be combined (QEMU 7.2 refuses multifd with postcopy)")
        if self.xbzrle_cache_mib < 1:
            raise UsageError(f"--xbzrle-cache must be at least 1 MiB (got {self.xbzrle_cache_mib})")

    def capabilities(self) -> list[dict[str, object]]:
        """``migrate-set-capabilities`` for both sides: QEMU 7.2 wants ``postcopy-ram`` and ``multifd``
        on both, ``xbzrle`` and ``auto-converge`` matter on the source only (harmless on the destination)."""
        caps = {"events": True, "postcopy-ram": self.postcopy, "multifd": self.multifd_channels is not None,
                "xbzrle": self.xbzrle, "auto-converge": self.auto_converge}
        return [{"capability": k, "state": v} for k, v in caps.items()]

    def parameters(self, source: bool) -> dict[str, object]:
        """``migrate-set-parameters`` for the source (``source``) or the destination."""
        out: dict[str, object] = {}
        if self.multifd_channels is not None:
            out["multifd-channels"] = self.multifd_channels
        if source:
            out.update({"downtime-limit": self.downtime_limit_ms, "max-bandwidth": self.max_bandwidth()})
            if self.xbzrle:
                out["xbzrle-cache-size"] = self.xbzrle_cache_mib << 20
        return out

    def names(self) -> list[str]:
        """The optional features asked for, as in the report (e.g. ``["postcopy", "xbzrle"]``)."""
        return [n for n, on in (("postcopy", self.postcopy), ("multifd", self.multifd_channels is not None),
                                ("xbzrle", self.xbzrle), ("auto-converge", self.auto_converge)) if on]

    def max_bandwidth(self) -> int:
        """``max-bandwidth`` in bytes per second."""
        if self.bandwidth_mib_s is None:
            return UNLIMITED_BANDWIDTH
        return max(1, int(self.bandwidth_mib_s * (1 << 20)))


@dataclass
class MigrationReport:
    """The outcome of a completed migration (``drift migrate --json``); times from QEMU's ``query-migrate``."""

    name: str
    status: str
    source_host: str
    dest_host: str
    downtime_ms: int | None
    total_ms: int | None
    setup_ms: int | None
    transferred_bytes: int | None
    ram_total_bytes: int | None
    dirty_sync_count: int | None
    source_pid: int
    dest_pid: int
    wall_ms: int
    #: Where the stream went: ``tcp:ADDRESS:PORT``, or ``unix:PATH`` between network namespaces of this machine.
    uri: str
    #: The optional features used (``postcopy``, ``multifd``, ``xbzrle``, ``auto-converge``).
    features: list[str]
    #: Whether the migration switched to postcopy (the destination ran before all RAM had arrived).
    postcopy_started: bool
    #: MIGRATION_PASS events seen (passes over dirty memory).
    passes: int
    #: To an ssh host: the image there (``path``), whether it was ``copied`` (``bytes``, ``ms``) or the
    #: host had it, and whether a corrupted copy there was replaced (``replaced_corrupt``); else None.
    image: dict[str, object] | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


# ---- files ---------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(d: StateDir) -> Iterator[None]:
    """Hold an exclusive lock on the partition's directory for the migration.

    Raises:
        PartitionStateError: another migration of it runs.
    """
    fd = os.open(d.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PartitionStateError(f"{d.path.name} is being migrated already") from None
        yield
    finally:
        os.close(fd)


def _stage(d: StateDir) -> StateDir:
    """Make the staging directory beside ``d``, with the shared files hard-linked into it.

    Raises:
        OSError: it cannot be made.
    """
    staging = StateDir(d.path.with_name(f".{d.path.name}.migrate-{secrets.token_hex(4)}"))
    staging.path.mkdir(mode=0o700)
    try:
        for name in SHARED:
            os.close(os.open(d / name, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600))  # never truncates
            os.link(d / name, staging / name)
    except BaseException:
        shutil.rmtree(staging.path, ignore_errors=True)
        raise
    return staging


def exchange(a: Path, b: Path) -> None:
    """Swap the directories ``a`` and ``b`` atomically (``renameat2(RENAME_EXCHANGE)``);
    where the file system cannot, by two renames (a moment without ``b``).

    Raises:
        OSError: the swap failed.
    """
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
        if rc == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(err, os.strerror(err), str(a))
    aside = a.with_name(a.name + ".x")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


# ---- processes -----------------------------------------------------------------------


def _end(pid: int | None, start: int | None, sock: Path | None) -> None:
    """End a QEMU: QMP ``quit`` if ``sock`` is given, else (or if it lingers) SIGKILL; wait until it is gone."""
    if sock is not None:
        with contextlib.suppress(BackendError):
            qmp(sock, [("quit", None)], timeout=QMP_TIMEOUT_S)
        if _wait_gone(pid, start, SETTLE_S):
            return
    if pid is not None and process_alive(pid, start):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _wait_gone(pid, start, KILL_WAIT_S)


def _end_wrapper(pid: int | None, start: int | None) -> None:
    """Let a wrapper shell whose QEMU ended record the exit (a moment), else SIGKILL it; wait until it is gone."""
    if not _wait_gone(pid, start, 1.0) and pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, start, KILL_WAIT_S)


def _wait_gone(pid: int | None, start: int | None, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while process_alive(pid, start):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_S)
    return True


# ---- QMP -----------------------------------------------------------------------------


async def _exec(client: QMPClient, cmd: str, args: Mapping[str, object] | None = None) -> dict[str, Any]:
    """One QMP command with a timeout; its result (``{}`` when it returns none)."""
    result = await asyncio.wait_for(client.execute(cmd, args), QMP_TIMEOUT_S)
    return result if isinstance(result, dict) else {}


async def _connect(client: QMPClient, sock: Path, alive: Callable[[], bool], deadline: float) -> None:
    """Connect to a QMP monitor that may not listen yet.

    Raises:
        MigrationError: its QEMU ended, or it did not answer before ``deadline``.
    """
    last: BaseException | None = None
    while time.monotonic() < deadline:
        if not alive():
            raise MigrationError("the destination QEMU ended before it answered on QMP")
        if sock.exists():
            try:
                with reachable(sock) as path:
                    await asyncio.wait_for(client.connect(path), QMP_TIMEOUT_S)
                return
            except (QMPError, OSError, EOFError, TimeoutError) as e:
                last = e
        await asyncio.sleep(_POLL_S)
    raise MigrationError(f"QMP at {sock} did not answer within {START_TIMEOUT_S:g} s: {last}")


def _port(info: Mapping[str, Any]) -> int:
    """The TCP port the destination listens on, from its ``query-migrate``.

    Raises:
        MigrationError: it does not say.
    """
    for addr in info.get("socket-address") or []:
        if isinstance(addr, dict) and addr.get("type") == "inet" and str(addr.get("port", "")).isdigit():
            return int(addr["port"])
    raise MigrationError(f"the destination does not say where it listens: {dict(info)}")


#: The migration stream's Unix socket, in the staging directory (when the two ends share no network).
MIGRATE_SOCK = "migrate.sock"


@dataclass
class _Ends:
    """The two QEMUs of a migration: monitors, a test whether the destination still runs, and
    where the stream goes: TCP to ``address``, or (None) the Unix socket ``unix_dest`` as the
    destination sees it, ``unix_source`` as the source does (relative to each one's directory)."""

    source_sock: Path
    dest_sock: Path
    dest_alive: Callable[[], bool]
    address: str | None
    unix_dest: str = MIGRATE_SOCK
    unix_source: str = MIGRATE_SOCK
    #: Run while the source is paused before the switch-over (QEMU's ``pause-before-switchover``:
    #: its guest stopped, the destination not yet started), e.g. draining an ssh source's output
    #: (:func:`runtime.sshhost.drain`); None: no pause.  Raises MigrationError to cancel.
    before_switchover: Callable[[], None] | None = None

    async def listen(self, dst: QMPClient) -> str:
        """Have the destination listen (``migrate-incoming``); the URI the source migrates to.

        Raises:
            MigrationError: the destination does not say its port.
            QMPError, OSError, EOFError, TimeoutError: QMP failed.
        """
        if self.address is None:
            await _exec(dst, "migrate-incoming", {"uri": f"unix:{self.unix_dest}"})
            return f"unix:{self.unix_source}"
        await _exec(dst, "migrate-incoming", {"uri": f"tcp:{self.address}:0"})
        return f"tcp:{self.address}:{_port(await _exec(dst, 'query-migrate'))}"


@dataclass
class _Watch:
    """What :func:`_follow` watches besides QEMU: a cancel request (the file ``cancel``, made by
    ``drift migrate --cancel`` from another process), the passes over dirty memory (MIGRATION_PASS
    events), and whether postcopy was started."""

    cancel: Path
    passes: int = 0
    postcopy_started: bool = False
    cancelled: bool = False
    #: Set by the SIGINT handler (Ctrl-C) while the QMP part runs.
    interrupted: bool = False
    #: Set on each MIGRATION event of the source: :func:`_follow` asks again at once.
    wake: asyncio.Event | None = None
    #: ``before_switchover`` has run and the source was told to go on (``migrate-continue``).
    switched_over: bool = False

    def check(self) -> None:
        """Raises _Interrupted after a Ctrl-C, MigrationError after ``drift migrate --cancel``."""
        if self.interrupted:
            raise _Interrupted("interrupted (Ctrl-C)")
        if self.cancel.exists():
            self.cancelled = True
            raise MigrationError("cancelled by drift migrate --cancel")


class _Interrupted(MigrationError):
    """Ctrl-C during the QMP part of a migration (asyncio's own SIGINT handling is not used:
    a cancellation landing inside a QMP call may be swallowed by qemu.qmp)."""


async def _count_passes(src: QMPClient, watch: _Watch) -> None:
    """Count MIGRATION_PASS events of the source, and wake :func:`_follow` on each MIGRATION
    event (a status change: it need not wait for its next poll), until cancelled."""
    with src.listener(("MIGRATION_PASS", "MIGRATION")) as listener:
        async for event in listener:
            data = event.get("data")
            if event.get("event") == "MIGRATION":
                if watch.wake is not None:
                    watch.wake.set()
            elif isinstance(data, dict) and isinstance(data.get("pass"), int):
                watch.passes = max(watch.passes, data["pass"])


async def _nap(watch: _Watch) -> None:
    """Wait ``_POLL_S``, or less if the source reports a status change."""
    if watch.wake is None:
        await asyncio.sleep(_POLL_S)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(watch.wake.wait(), _POLL_S)
    watch.wake.clear()


async def _follow(src: QMPClient, ends: _Ends, options: MigrateOptions, watch: _Watch,
                  progress: Progress | None, deadline: float | None) -> dict[str, Any]:
    """``query-migrate`` on the source until the migration completes; the last answer.  With
    ``--postcopy``, switches to postcopy once the first full pass is done.

    Raises:
        MigrationError: it failed or was cancelled, the destination died, or the deadline passed.
    """
    while True:
        info = await _exec(src, "query-migrate")
        status = info.get("status")
        ram: Mapping[str, Any] = info["ram"] if isinstance(info.get("ram"), dict) else {}
        if progress is not None:
            progress({**info, "passes": watch.passes})
        if status == "completed" and "total-time" in info:
            # QEMU sets "completed" a moment before it computes total-time and downtime (still 0
            # then): ask again briefly so that the report has the real figures.
            for _ in range(50):
                if info.get("total-time") or info.get("downtime"):
                    break
                await asyncio.sleep(_POLL_S / 4)
                info = await _exec(src, "query-migrate")
            return info
        # A source that was itself a destination reports its *incoming* migration's "completed"
        # (without times) until the outgoing one has connected: not this migration's end.
        stale = status == "completed"
        if not ends.dest_alive():
            raise MigrationError("the destination QEMU died during the migration")
        if status not in ACTIVE and not stale:
            raise MigrationError(f"QEMU reports the migration {status}: {info.get('error-desc', 'no detail')}")
        watch.check()
        if status == "pre-switchover" and ends.before_switchover is not None and not watch.switched_over:
            await asyncio.to_thread(ends.before_switchover)
            await _exec(src, "migrate-continue", {"state": "pre-switchover"})
            watch.switched_over = True
            continue
        if deadline is not None and time.monotonic() > deadline:
            raise MigrationError("the migration did not complete within --timeout")
        if (options.postcopy and not watch.postcopy_started and status == "active"
                and (watch.passes >= 2 or int(ram.get("dirty-sync-count") or 0) >= 2)):
            await _exec(src, "migrate-start-postcopy")
            watch.postcopy_started = True
        await _nap(watch)


async def _dest_done(dst: QMPClient, ends: _Ends) -> None:
    """Wait until the destination has loaded everything (its ``query-migrate`` says completed).

    Raises:
        MigrationError: it failed, died, or took longer than SETTLE_S.
    """
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        info = await _exec(dst, "query-migrate")
        if info.get("status") == "completed":
            return
        if info.get("status") == "failed" or not ends.dest_alive():
            raise MigrationError(f"the destination failed to load the partition: {info.get('error-desc', '')}")
        await asyncio.sleep(_POLL_S)
    raise MigrationError(f"the destination did not finish loading within {SETTLE_S:g} s")


async def _drive(ends: _Ends, options: MigrateOptions, watch: _Watch, progress: Progress | None) -> dict[str, Any]:
    """Run the migration over QMP; the source's final ``query-migrate``.

    Raises:
        MigrationError: as :func:`_follow`, :func:`_dest_done`, :func:`_connect`.
        QMPError, OSError, EOFError, TimeoutError: a monitor failed.
    """
    src, dst = QMPClient("drift-migrate"), QMPClient("drift-migrate")
    deadline = None if options.timeout_s is None else time.monotonic() + options.timeout_s
    passes: asyncio.Task[None] | None = None
    try:
        await _connect(src, ends.source_sock, lambda: True, time.monotonic() + QMP_TIMEOUT_S)
        await _connect(dst, ends.dest_sock, ends.dest_alive, time.monotonic() + START_TIMEOUT_S)
        watch.wake = asyncio.Event()
        await _exec(dst, "migrate-set-capabilities", {"capabilities": options.capabilities()})
        pause = {"capability": "pause-before-switchover", "state": ends.before_switchover is not None}
        await _exec(src, "migrate-set-capabilities", {"capabilities": [*options.capabilities(), pause]})
        if options.parameters(source=False):
            await _exec(dst, "migrate-set-parameters", options.parameters(source=False))
        await _exec(src, "migrate-set-parameters", options.parameters(source=True))
        passes = asyncio.get_running_loop().create_task(_count_passes(src, watch))
        watch.check()
        uri = await ends.listen(dst)
        await _exec(src, "migrate", {"uri": uri})
        final = await _follow(src, ends, options, watch, progress, deadline)
        await _dest_done(dst, ends)
        return {**final, "uri": uri}
    finally:
        if passes is not None:
            passes.cancel()
            with contextlib.suppress(asyncio.CancelledError, QMPError):
                await passes
        for client in (src, dst):
            with contextlib.suppress(QMPError, OSError, EOFError):
                await client.disconnect()


# ---- the migration ----------------------------------------------------------------------


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _read_pid(d: StateDir) -> int | None:
    """The QEMU pid a wrapper recorded in ``d`` (None if none yet)."""
    try:
        return int((d / partition.PID).read_text())
    except (OSError, ValueError):
        return None


class _Migration:
    """One migration of partition ``d`` to ``to``: the destination's start, the switch, the undo."""

    def __init__(self, backend: DirectBackend, d: StateDir, meta: dict[str, object], to: Host,
                 greeting: dict[str, Any] | None = None) -> None:
        self.backend, self.d, self.meta, self.to = backend, d, meta, to
        #: An ssh destination's :func:`runtime.sshhost.hello` answer (with its image check).
        self.greeting = greeting
        self.source_host = str(meta.get("host") or LOCAL)
        self.source_pid = _int_or_none(meta.get("qemu_pid"))
        self.source_start = _int_or_none(meta.get("qemu_start"))
        self.staging: StateDir | None = None
        self.dest: dict[str, object] = {}
        #: The image's copy on an ssh destination (None for other hosts).
        self.image_copy: sshhost.ImageCopy | None = None
        #: The source's directory once the switch has happened (the destination is the partition).
        self.retired: StateDir | None = None

    def dest_messages(self) -> str:
        """What an ssh destination's link (ssh, the agent, QEMU there) wrote to ``qemu.log``, in short."""
        if self.to.kind != "ssh" or self.staging is None:
            return ""
        try:
            return (self.staging / partition.QEMU_LOG).read_text(errors="replace").strip()[-2000:]
        except OSError:
            return ""

    def dest_qemu_pid(self) -> int | None:
        """The destination QEMU's pid (on an ssh host: there, not the link's here)."""
        remote = self.dest.get("ssh")
        if isinstance(remote, dict) and isinstance(remote.get("qemu_pid"), int):
            return int(remote["qemu_pid"])
        return _int_or_none(self.dest.get("qemu_pid"))

    def dest_alive(self) -> bool:
        return process_alive(_int_or_none(self.dest.get("qemu_pid")), _int_or_none(self.dest.get("qemu_start")))

    def start_destination(self) -> int:
        """Stage the directory and start the destination QEMU, waiting for an incoming migration.

        Raises:
            LaunchError: it failed to start.
            ToolMissingError: the host's tools are missing.
            OSError: the staging directory cannot be made.
        """
        self.staging = _stage(self.d)
        source_command = self.meta.get("qemu_command") or self.meta.get("command")
        if not isinstance(source_command, list):
            raise LaunchError(f"{self.d / 'meta.json'} records no QEMU command to start the destination with")
        qemu_command = qemu.incoming_command([str(a) for a in source_command])
        remote: dict[str, object] | None = None
        if self.to.kind == "ssh":
            command, remote = self._ssh_destination(qemu_command)
        else:
            command = [*self.to.prefix(), *qemu_command]
        self.dest = {**self.meta, "command": command, "qemu_command": qemu_command, "host": str(self.to),
                     "starting": False, "ended_by": None, "ssh": remote}
        for key in ("qemu_pid", "qemu_start", "wrapper_pid", "wrapper_start"):
            self.dest.pop(key, None)
        pid = self.backend.spawn_qemu(self.staging, self.dest, command, time.monotonic() + START_TIMEOUT_S)
        if remote is None and isinstance(self.meta.get("cgroup"), str):
            cgroups.attach(Path(str(self.meta["cgroup"])), pid)
        return pid

    def _ssh_destination(self, qemu_command: list[str]) -> tuple[list[str], dict[str, object]]:
        """For an ssh host: the image there (copied and verified if need be), and the command of
        the link (:mod:`runtime.sshhost`) that starts the destination QEMU on it; what the
        partition's ``meta.json`` records of the remote end (``ssh``).

        Raises:
            HostError: the host cannot be reached or its agent failed.
            ImageError: the image cannot be copied, or arrived corrupted.
        """
        command, remote, self.image_copy = sshhost.launch(
            self.to, Path(str(self.meta.get("image"))), str(self.meta.get("image_sha256") or ""), qemu_command,
            self.d.path.name, self.greeting if self.greeting is not None else _greet(self.to, self.meta))
        return command, remote

    def stream_address(self) -> str | None:
        """Where the migration stream goes: the destination's address for TCP, None for the Unix
        socket in the staging directory (between ``local`` and a namespace of this machine).

        Raises:
            HostError: the destination host has no usable address.
        """
        source = hosts.parse(self.source_host)
        if self.to.kind == "ssh":
            remote = self.dest.get("ssh")
            server = remote.get("server_ip") if isinstance(remote, dict) else None
            return str(server) if server else self.to.migration_address()
        if source.kind == "ssh":                    # back from an ssh host: this machine as it sees us
            remote = self.meta.get("ssh")
            client = remote.get("client_ip") if isinstance(remote, dict) else None
            if self.to == LOCAL and client:
                return str(client)
            return self.to.migration_address()
        return self.to.migration_address() if hosts.same_network(source, self.to) else None

    def run(self, options: MigrateOptions, watch: _Watch, progress: Progress | None) -> dict[str, Any]:
        """Migrate; the source's final ``query-migrate``.

        Raises:
            MigrationError: the migration failed (nothing is undone here: see :meth:`undo`).
        """
        assert self.staging is not None
        ends = _Ends(self.d / QMP_SOCK, self.staging / QMP_SOCK, self.dest_alive, self.stream_address(),
                     unix_source=f"../{self.staging.path.name}/{MIGRATE_SOCK}",
                     before_switchover=self.drain_source if hosts.parse(self.source_host).kind == "ssh" else None)
        def interrupt(signum: int, frame: object) -> None:
            watch.interrupted = True

        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, interrupt) if main else None
        try:
            return asyncio.run(_drive(ends, options, watch, progress))
        except (QMPError, OSError, EOFError, TimeoutError) as e:
            # A monitor that goes away mid-command ("QMPClient is disconnecting") usually
            # means its QEMU ended: say which one, when it is the destination.
            if not self.dest_alive():
                raise MigrationError("the destination QEMU died during the migration") from None
            if isinstance(e, QMPError):
                raise MigrationError(f"QMP refused the migration: {e}") from None
            raise MigrationError(f"a QMP monitor failed during the migration: {e or type(e).__name__}") from None
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)
            if watch.interrupted:
                raise KeyboardInterrupt

    def drain_source(self) -> None:
        """Leaving an ssh host, with the source paused before the switch-over: wait until the
        remote QEMU's last output is in the local logs, so that none of it lands after the
        destination's first lines.

        Raises:
            MigrationError: the link or the host did not answer (the migration is cancelled).
        """
        try:
            sshhost.drain(self.d.path)
        except HostError as e:
            raise MigrationError(e.message) from None

    def switch(self, info: Mapping[str, Any]) -> None:
        """Make the destination the partition: record it, swap the directories, end the source.

        Raises:
            OSError: the directories cannot be swapped (the source still runs then).
        """
        assert self.staging is not None
        history = self.meta.get("migrations")
        self.dest["migrations"] = [*(history if isinstance(history, list) else []), {
            "at": time.time(), "from": self.source_host, "to": str(self.to),
            "downtime_ms": info.get("downtime"), "total_ms": info.get("total-time")}]
        remote = self.dest.get("ssh")
        if isinstance(remote, dict):
            remote["qemu_pid"] = sshhost.remote_pid(self.staging.path)
        partition.write_meta(self.staging, self.dest)
        exchange(self.staging.path, self.d.path)
        self.retired, self.staging = self.staging, None  # the source's directory now has the staging name
        self.retire_source()

    def retire_source(self) -> None:
        """After the switch: end the source QEMU and its wrapper, remove its directory (again if interrupted)."""
        if self.retired is None:
            return
        _end(self.source_pid, self.source_start, self.retired / QMP_SOCK)
        _end_wrapper(_int_or_none(self.meta.get("wrapper_pid")), _int_or_none(self.meta.get("wrapper_start")))
        shutil.rmtree(self.retired.path, ignore_errors=True)
        self.retired = None

    def undo(self, was_running: bool) -> None:
        """Cancel: ``migrate_cancel`` on the source, kill the destination, remove the staging
        directory, and make sure the source runs as before (``cont`` if it had stopped)."""
        with contextlib.suppress(BackendError):
            qmp(self.d / QMP_SOCK, [("migrate_cancel", None)])
        if self.staging is not None:
            dest_pid = _int_or_none(self.dest.get("qemu_pid")) or _read_pid(self.staging)
            if self.to.kind == "ssh" and dest_pid is not None:
                # SIGTERM: the link closes the ssh session; the agent kills QEMU and removes its directory
                with contextlib.suppress(ProcessLookupError):
                    os.kill(dest_pid, signal.SIGTERM)
                _wait_gone(dest_pid, _int_or_none(self.dest.get("qemu_start")), SETTLE_S)
            _end(dest_pid, _int_or_none(self.dest.get("qemu_start")), None)
            _end_wrapper(_int_or_none(self.dest.get("wrapper_pid")), _int_or_none(self.dest.get("wrapper_start")))
            shutil.rmtree(self.staging.path, ignore_errors=True)
            self.staging = None
        self._settle_source(was_running)

    def _settle_source(self, was_running: bool) -> None:
        """Wait for the source to leave the migration; restart its CPUs if it was running and is stopped."""
        deadline = time.monotonic() + SETTLE_S
        with contextlib.suppress(BackendError):
            while time.monotonic() < deadline:
                (info,) = qmp(self.d / QMP_SOCK, [("query-migrate", None)])
                if not isinstance(info, dict) or info.get("status") not in ACTIVE:
                    break
                time.sleep(_POLL_S)
            (status,) = qmp(self.d / QMP_SOCK, [("query-status", None)])
            if was_running and isinstance(status, dict) and status.get("status") in ("postmigrate", "paused"):
                qmp(self.d / QMP_SOCK, [("cont", None)])


def _greet(to: Host, meta: Mapping[str, object]) -> dict[str, Any]:
    """The first (and, when the host has the image, the only) round trip to an ssh host before
    its QEMU starts: :func:`runtime.sshhost.hello`, with the check of the partition's image.

    Raises:
        HostError, ToolMissingError: the host cannot be reached, or its agent failed.
        ImageError: the recorded image SHA-256 is invalid.
    """
    target = sshhost.resolve(to)
    return sshhost.hello(target, None if target.shared_files else str(meta.get("image_sha256") or ""))


def _report(name: str, m: _Migration, info: Mapping[str, Any], wall: float, options: MigrateOptions,
            watch: _Watch) -> MigrationReport:
    ram = info.get("ram") if isinstance(info.get("ram"), dict) else {}
    assert isinstance(ram, dict)
    return MigrationReport(
        name=name, status=str(info.get("status")), source_host=m.source_host, dest_host=str(m.to),
        downtime_ms=_int_or_none(info.get("downtime")), total_ms=_int_or_none(info.get("total-time")),
        setup_ms=_int_or_none(info.get("setup-time")), transferred_bytes=_int_or_none(ram.get("transferred")),
        ram_total_bytes=_int_or_none(ram.get("total")), dirty_sync_count=_int_or_none(ram.get("dirty-sync-count")),
        source_pid=m.source_pid or 0, dest_pid=m.dest_qemu_pid() or 0, wall_ms=round(wall * 1000),
        uri=str(info.get("uri")), features=options.names(), postcopy_started=watch.postcopy_started,
        passes=watch.passes, image=None if m.image_copy is None else {
            "path": m.image_copy.path, "copied": m.image_copy.copied, "bytes": m.image_copy.bytes,
            "replaced_corrupt": m.image_copy.replaced_corrupt, "ms": round(m.image_copy.seconds * 1000)})


def migrate(name: str, to: Host = LOCAL, options: MigrateOptions | None = None, *,
            backend: DirectBackend | None = None, progress: Progress | None = None) -> MigrationReport:
    """Live-migrate partition ``name`` to a new QEMU on ``to``; returns once the destination runs it
    and the source is gone.

    Raises:
        UsageError: an invalid name or option.
        PartitionNotFound: there is no such partition.
        PartitionStateError: it does not run, or another migration of it runs.
        HostError, ToolMissingError: ``to`` is unusable.
        ImageError: the image cannot be copied to an ssh host, or arrived there corrupted.
        LaunchError: the destination QEMU did not start (the source runs on).
        MigrationError: the migration failed, timed out or was interrupted (Ctrl-C);
            it was cancelled, the destination killed, and the source runs on.
    """
    started = time.monotonic()
    options = options or MigrateOptions()
    options.validate()
    backend = backend or DirectBackend()
    if to.kind != "ssh":
        to.check()
    d, meta = backend.locate(name)
    info = backend.inspect(name)
    if info.pid is None or info.state not in ("running", "paused"):
        raise PartitionStateError(f"cannot migrate {name}: it is {info.state}"
                                  + (f" ({info.reason})" if info.reason else ""))
    if options.postcopy and meta.get("accel") != "kvm" and os.environ.get(ALLOW_TCG_POSTCOPY) != "1":
        raise UsageError(f"--postcopy is refused under {meta.get('accel')}: with QEMU 7.2 under TCG it corrupted "
                         "guest memory in Drift's pattern test (docs/migration.md); it is meant for --accel kvm")
    greeting = _greet(to, meta) if to.kind == "ssh" else None
    with _locked(d):
        watch = _Watch(cancel_request(d))
        with contextlib.suppress(FileNotFoundError):
            watch.cancel.unlink()                    # a stale request, from before this migration
        m = _Migration(backend, d, meta, to, greeting)
        try:
            m.start_destination()
            final = m.run(options, watch, progress)
            m.switch(final)
        except BaseException as e:
            if m.retired is not None:  # it moved: only the source's clean-up was interrupted
                m.retire_source()
                raise
            said = m.dest_messages()
            m.undo(info.state == "running")
            where = f"{name} keeps running on {m.source_host}" + (f"\n({to} said: {said})" if said else "")
            if isinstance(e, KeyboardInterrupt):
                raise MigrationError(f"migration of {name} interrupted and cancelled; {where}") from None
            if isinstance(e, MigrationError):
                raise MigrationError(f"migration of {name} to {to} failed: {e.message}; {where}") from None
            if isinstance(e, LaunchError):
                raise LaunchError(f"{e.message}\n(the destination of {name}'s migration; {where})") from None
            if isinstance(e, OSError):
                raise MigrationError(f"migration of {name} failed: {e}; {where}") from None
            raise
        finally:
            if watch.cancelled:                      # the request is consumed: tell drift migrate --cancel
                with contextlib.suppress(FileNotFoundError):
                    watch.cancel.unlink()
    return _report(name, m, final, time.monotonic() - started, options, watch)


def cancel_request(d: StateDir) -> Path:
    """The file whose existence asks the migration of ``d`` to cancel (beside the partition's
    directory, so that it stays put when the directories are exchanged)."""
    return d.path.with_name(f".{d.path.name}.cancel")


#: How long ``drift migrate --cancel`` waits for the migration to wind down.
CANCEL_WAIT_S = 30.0


def cancel(name: str, *, backend: DirectBackend | None = None) -> str:
    """Cancel the migration of ``name`` running in another process (``drift migrate NAME --cancel``):
    ask it through :func:`cancel_request` and wait until it has let go of the partition.  The
    migrating process runs ``migrate_cancel`` on the source, kills the destination QEMU and
    cleans up; the source keeps running.  Returns what happened, in words.

    Raises:
        PartitionNotFound: there is no such partition.
        PartitionStateError: no migration of it runs.
        MigrationError: the migration did not wind down within CANCEL_WAIT_S.
    """
    backend = backend or DirectBackend()
    d, _ = backend.locate(name)
    fd = os.open(d.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    request = cancel_request(d)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            raise PartitionStateError(f"{name} is not being migrated")
        except BlockingIOError:
            pass
        request.touch(mode=0o600)
        deadline = time.monotonic() + CANCEL_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise MigrationError(f"the migration of {name} did not stop within {CANCEL_WAIT_S:g} s") from None
                time.sleep(_POLL_S)
    finally:
        os.close(fd)
    if request.exists():                             # never seen: it had completed (or failed) by itself
        with contextlib.suppress(FileNotFoundError):
            request.unlink()
        return f"the migration of {name} had already ended; nothing to cancel"
    return f"the migration of {name} was cancelled; it keeps running where it was"

