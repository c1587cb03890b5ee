"""The ``direct`` backend: partitions as QEMU processes started by Drift.

Every partition has a private state directory (mode 0700),
``<state root>/partitions/NAME/`` (see :func:`state_root`), which is all
there is: a later ``drift`` finds its partitions there, nothing else keeps
them.  It holds

- ``meta.json``   what was started (spec, image and its SHA-256, accel, QEMU
  command, pids, ``started_at``; ``ended_by`` once ``drift stop``/``kill`` ran);
- ``qmp.sock``    the QMP monitor (every control goes through QMP);
- ``stdout.log``, ``stderr.log``  the program's stdout (COM1) and stderr (COM2);
- ``channel.sock``, ``channel.log``, ``channel.cursor``  the host channel
  (COM3): its socket, everything the guest sent, what ``drift recv`` consumed;
- ``pid``         QEMU's pid; ``wrapper.pid`` the pid of the shell that waits for it;
- ``exit``        QEMU's exit code, written by that shell when QEMU ends;
- ``qemu.log``    QEMU's own messages; ``wrapper.log`` what the shell said
  (a shell reports there when its child was killed by a signal).

QEMU runs in the state directory (every path on its command line is relative,
so long state paths do not hit the Unix socket path limit) under a tiny
``/bin/sh`` wrapper, detached into its own session, that waits for it and
records its exit code: no Python process per partition.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qemu.qmp import ExecInterruptedError, QMPClient, QMPError, StateError

from . import accel, cgroups, image, qemu
from .backend import NAME_RE, STATES, Backend, PartitionInfo, PartitionSpec, validate_name
from .errors import BackendError, LaunchError, PartitionExists, PartitionNotFound, PartitionStateError
from .status import STATUS, describe

if TYPE_CHECKING:
    from .hosts import Host

#: Environment variable overriding where partitions' state lives.
STATE_ENV = "DRIFT_STATE_DIR"
META_VERSION = 1
START_TIMEOUT_S = 10.0
QMP_TIMEOUT_S = 5.0
KILL_WAIT_S = 5.0
#: How long a QEMU that is gone gets for its wrapper to record the exit code.
_EXIT_GRACE_S = 1.0
_POLL_S = 0.01
#: How many QMP monitors ``list()`` asks at once.
_QMP_PARALLEL = 64
#: The longest path ``connect()`` takes for an AF_UNIX socket (sun_path is 108 bytes with the NUL).
_UNIX_PATH_MAX = 107

# File names inside a state directory (QEMU sees them relative to it).
QMP_SOCK, STDOUT_LOG, STDERR_LOG = "qmp.sock", "stdout.log", "stderr.log"
CHANNEL_SOCK, CHANNEL_LOG, CHANNEL_CURSOR = "channel.sock", "channel.log", "channel.cursor"
PID, WRAPPER_PID, EXIT, META = "pid", "wrapper.pid", "exit", "meta.json"
QEMU_LOG, WRAPPER_LOG = "qemu.log", "wrapper.log"

#: The wrapper, run as ``sh -c WRAPPER drift:NAME QEMU ARGS...`` in the state directory.  The
#: subshell is put in the background so that the ``sh`` Drift starts ends at once (no zombie,
#: nothing to reap): it is adopted by init and waits for QEMU, then writes ``exit`` atomically.
WRAPPER = ('( "$@" 2>' + QEMU_LOG + ' </dev/null & echo $! >' + PID + '; wait $!; echo $? >exit.tmp; '
           'mv -f exit.tmp ' + EXIT + ' ) >/dev/null 2>' + WRAPPER_LOG + ' </dev/null & echo $! >' + WRAPPER_PID)

# QMP run states (query-status) the guest does not run in, but may continue from.
_PAUSED_QMP = frozenset({"paused", "prelaunch", "suspended", "debug", "inmigrate", "postmigrate",
                         "finish-migrate", "save-vm", "restore-vm", "colo"})

logging.getLogger("qemu.qmp").addHandler(logging.NullHandler())  # its failures are reported as DriftErrors


# ---- names and places -------------------------------------------------------------


def state_root() -> Path:
    """Drift's state directory: ``$DRIFT_STATE_DIR``, else ``$XDG_STATE_HOME/drift``,
    else ``~/.local/state/drift``."""
    explicit = os.environ.get(STATE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "state"
    return base / "drift"


def name_for(image_path: Path) -> str:
    """A fresh partition name for an image: its stem (made valid) and 6 random hex digits."""
    stem = re.sub(r"[^a-zA-Z0-9_.-]", "-", image_path.stem).lstrip("_.-")[:48] or "partition"
    return f"{stem}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class StateDir:
    """One partition's state directory and the files in it."""

    path: Path

    def __truediv__(self, name: str) -> Path:
        return self.path / name


@contextlib.contextmanager
def reachable(path: Path) -> Iterator[str]:
    """A path to give ``connect()`` for the Unix socket ``path``, however long ``path`` is.

    Long paths go through ``/proc/self/fd/N/`` of the socket's directory, held
    open while the context lasts.

    Raises:
        OSError: the socket's directory cannot be opened.
    """
    if len(os.fsencode(str(path))) <= _UNIX_PATH_MAX:
        yield str(path)
        return
    fd = os.open(path.parent, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)


# ---- small files ---------------------------------------------------------------------


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _read_int(path: Path) -> int | None:
    """The integer in a small file, or None if it is missing or incomplete."""
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _read_meta(d: StateDir) -> dict[str, object] | None:
    """The partition's meta.json, or None if it is missing or unreadable (being created)."""
    try:
        meta = json.loads((d / META).read_text())
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _write_meta(d: StateDir, meta: Mapping[str, object]) -> None:
    _write_atomic(d / META, json.dumps(meta, indent=2, sort_keys=True) + "\n")


#: For :mod:`runtime.migrate`, which writes a destination's meta.json.
write_meta = _write_meta


def _int(meta: Mapping[str, object], key: str) -> int | None:
    value = meta.get(key)
    return value if isinstance(value, int) else None


def _str(meta: Mapping[str, object], key: str, default: str = "") -> str:
    value = meta.get(key)
    return value if isinstance(value, str) else default


def _float(meta: Mapping[str, object], key: str) -> float:
    value = meta.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


# ---- processes -----------------------------------------------------------------------


def process_start(pid: int) -> int | None:
    """The start time of process ``pid`` (clock ticks since boot), or None if it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    if not fields or fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def process_alive(pid: int | None, start: int | None) -> bool:
    """Whether process ``pid`` runs and is the one that started at ``start`` (None: any)."""
    if pid is None or pid <= 0:
        return False
    now = process_start(pid)
    return now is not None and (start is None or now == start)


# ---- how a partition ended ----------------------------------------------------------


@dataclass(frozen=True)
class Ending:
    """A finished partition's state (stopped or crashed), program status and why."""

    state: str
    exit_status: int | None
    reason: str | None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _qemu_errors(qemu_text: str) -> list[str]:
    return [line for line in qemu_text.splitlines() if line.strip() and "warning:" not in line]


def _guest_ending(status: int) -> Ending:
    """The ending for a status the guest wrote to isa-debug-exit."""
    if status <= STATUS["USER_MAX"] or status == STATUS["SNAPSTOP"]:   # SNAPSTOP: moved on (drift snapshot --stop)
        return Ending("stopped", status, None if status == 0 else describe(status))
    return Ending("crashed", status, describe(status))


def decode_exit(rc: int, shell_said: str, qemu_text: str, ended_by: str | None = None) -> Ending:
    """Decode QEMU's exit code ``rc`` as the wrapper recorded it.

    ``shell_said`` is the wrapper shell's own output (non-empty when QEMU was
    killed by a signal: the shell reports it, and ``rc`` is then 128+signal,
    which an odd code alone cannot be told apart from a guest status);
    ``qemu_text`` is QEMU's own messages; ``ended_by`` what Drift asked for
    (``drift stop``, ``drift kill``...), None if nothing.
    """
    if rc > 128 and (rc % 2 == 0 or shell_said.strip()):
        how = f"killed by {_signal_name(rc - 128)}"
        if ended_by is not None:
            return Ending("stopped", None, f"{how} ({ended_by})")
        return Ending("crashed", None, how)
    if rc == 0:
        if ended_by is not None:
            return Ending("stopped", None, f"stopped by {ended_by}")
        m = re.search(r"terminating on signal (\d+)", qemu_text)
        return Ending("stopped", None, f"QEMU terminated on {_signal_name(int(m[1]))}" if m else "QEMU quit")
    errors = _qemu_errors(qemu_text)
    if rc % 2 == 0 or (rc == 1 and errors):
        detail = f": {errors[-1].strip()}" if errors else ""
        return Ending("crashed", None, f"QEMU failed (exit code {rc}){detail}")
    return _guest_ending((rc - 1) // 2)


def _ending(d: StateDir, meta: Mapping[str, object]) -> Ending | None:
    """How the partition ended, from its exit file; None while there is none."""
    rc = _read_int(d / EXIT)
    if rc is None:
        return None
    ended_by = meta.get("ended_by")
    return decode_exit(rc, _read_text(d / WRAPPER_LOG), _read_text(d / QEMU_LOG),
                       ended_by if isinstance(ended_by, str) else None)


# ---- QMP -----------------------------------------------------------------------------

Command = tuple[str, Mapping[str, object] | None]


async def _qmp_session(sock: str, commands: Sequence[Command], timeout: float) -> list[object]:
    """Connect to QMP at ``sock``, run ``commands`` in order, disconnect; their results.

    Raises:
        QMPError, OSError, EOFError, TimeoutError: as the connection or a command fails.
    """
    client = QMPClient("drift")
    await asyncio.wait_for(client.connect(sock), timeout)
    try:
        return [await asyncio.wait_for(client.execute(cmd, args), timeout) for cmd, args in commands]
    finally:
        with contextlib.suppress(QMPError, OSError, EOFError):
            await client.disconnect()


_QMP_FAILURES = (QMPError, OSError, EOFError, TimeoutError)


def qmp(sock: Path, commands: Sequence[Command], timeout: float = QMP_TIMEOUT_S) -> list[object]:
    """Run QMP ``commands`` on the monitor at ``sock``; return their results.

    Raises:
        BackendError: the monitor cannot be reached, does not answer within
            ``timeout`` seconds, or refuses a command.
    """
    try:
        with reachable(sock) as path:
            return asyncio.run(_qmp_session(path, commands, timeout))
    except _QMP_FAILURES as e:
        what = ", ".join(cmd for cmd, _ in commands)
        raise BackendError(f"QMP {what} on {sock} failed: {e or type(e).__name__}") from None


async def _cont_session(sock: str, timeout: float) -> bool:
    """Send QMP ``cont``; True when QEMU answered, False when it closed the connection first
    (a guest that ends at once can make QEMU exit before it writes the answer).

    Raises:
        QMPError, OSError, EOFError, TimeoutError: connecting failed, or ``cont`` was refused.
    """
    client = QMPClient("drift")
    await asyncio.wait_for(client.connect(sock), timeout)
    try:
        await asyncio.wait_for(client.execute("cont"), timeout)
        return True
    except (ExecInterruptedError, StateError):
        return False
    finally:
        with contextlib.suppress(QMPError, OSError, EOFError):
            await client.disconnect()


def qmp_cont(sock: Path, timeout: float = QMP_TIMEOUT_S) -> bool:
    """Start the guest's CPUs; whether QEMU answered (False: it was gone right after the command).

    Raises:
        BackendError: the monitor cannot be reached or refused ``cont``.
    """
    try:
        with reachable(sock) as path:
            return asyncio.run(_cont_session(path, timeout))
    except _QMP_FAILURES as e:
        raise BackendError(f"QMP cont on {sock} failed: {e or type(e).__name__}") from None


async def _statuses(socks: Mapping[str, Path], timeout: float) -> dict[str, str | BaseException]:
    """query-status on every monitor, at most _QMP_PARALLEL at a time (each holds a few fds)."""
    limit = asyncio.Semaphore(_QMP_PARALLEL)

    async def one(sock: Path) -> str:
        async with limit:
            with reachable(sock) as path:
                (result,) = await _qmp_session(path, [("query-status", None)], timeout)
        return str(result["status"]) if isinstance(result, dict) else "unknown"

    names = list(socks)
    results = await asyncio.gather(*(one(socks[n]) for n in names), return_exceptions=True)
    return dict(zip(names, results, strict=True))


def qmp_statuses(socks: Mapping[str, Path], timeout: float = QMP_TIMEOUT_S) -> dict[str, str | None]:
    """QMP run status (``running``, ``paused``...) of several monitors at once; None where one fails."""
    if not socks:
        return {}
    results = asyncio.run(_statuses(socks, timeout))
    return {name: (r if isinstance(r, str) else None) for name, r in results.items()}


def _state_of(qmp_status: str | None) -> tuple[str, str | None]:
    """(state, reason) of a partition whose QEMU runs, from its QMP status."""
    if qmp_status is None:
        return "running", "QEMU does not answer on QMP"
    if qmp_status == "running":
        return "running", None
    if qmp_status in _PAUSED_QMP:
        return "paused", None
    return "crashed", f"QEMU reports {qmp_status} (it still runs: drift kill or drift rm -f it)"


# ---- observing a partition --------------------------------------------------------------


@dataclass(frozen=True)
class _Seen:
    """What the state directory and /proc say: QEMU's pid if it runs, else how it ended
    (neither while it is being started)."""

    pid: int | None
    ending: Ending | None
    starting: bool = False


def _qemu_pid(d: StateDir, meta: Mapping[str, object]) -> int | None:
    return _int(meta, "qemu_pid") or _read_int(d / PID)


def _wait_for_exit_file(d: StateDir, meta: Mapping[str, object], grace: float) -> Ending | None:
    """Give a wrapper that still runs ``grace`` seconds to record QEMU's exit code."""
    deadline = time.monotonic() + grace
    while process_alive(_int(meta, "wrapper_pid"), _int(meta, "wrapper_start")) and time.monotonic() < deadline:
        time.sleep(_POLL_S)
        if (ending := _ending(d, meta)) is not None:
            return ending
    return _ending(d, meta)


def _observe(d: StateDir, meta: Mapping[str, object]) -> _Seen:
    """Whether QEMU runs (its pid) or how the partition ended."""
    if (ending := _ending(d, meta)) is not None:
        return _Seen(None, ending)
    pid = _qemu_pid(d, meta)
    if process_alive(pid, _int(meta, "qemu_start")):
        return _Seen(pid, None)
    if pid is None and meta.get("starting") and process_alive(_int(meta, "wrapper_pid"), _int(meta, "wrapper_start")):
        return _Seen(None, None, starting=True)
    if (ending := _wait_for_exit_file(d, meta, _EXIT_GRACE_S)) is not None:
        return _Seen(None, ending)
    return _Seen(None, Ending("crashed", None, "QEMU vanished (it ended and no exit status was recorded)"))


# ---- the backend --------------------------------------------------------------------


class DirectBackend(Backend):
    """Partitions as QEMU processes on this host, one state directory each.

    ``root`` is the state root (default :func:`state_root`); partitions live
    in ``root/partitions/``.
    """

    name = "direct"

    def __init__(self, root: Path | None = None, *, ram: str = "anon", tb_size_mib: int | None = None) -> None:
        """``ram``/``tb_size_mib``: QEMU memory tuning (see :class:`runtime.qemu.QemuConfig`)."""
        self.root = root if root is not None else state_root()
        self.partitions = self.root / "partitions"
        self.ram = ram
        self.tb_size_mib = tb_size_mib

    # ---- locating ----

    def _dir(self, name: str) -> tuple[StateDir, dict[str, object]]:
        """The state directory and meta of an existing partition.

        Raises:
            UsageError: an invalid name.
            PartitionNotFound: there is no such partition.
        """
        d = StateDir(self.partitions / validate_name(name))
        meta = _read_meta(d)
        if meta is None:
            raise PartitionNotFound(f"no partition named {name!r} (in {self.partitions}; see `drift ps`)")
        return d, meta

    def locate(self, name: str) -> tuple[StateDir, dict[str, object]]:
        """The state directory and meta of an existing partition (for :mod:`runtime.migrate`).

        Raises:
            UsageError: an invalid name.
            PartitionNotFound: there is no such partition.
        """
        return self._dir(name)

    def _create(self, name: str) -> StateDir:
        """Claim ``name``: create its private state directory (mode 0700).

        Raises:
            PartitionExists: the name is taken.
            LaunchError: the state directory cannot be created.
        """
        try:
            self.root.parent.mkdir(parents=True, exist_ok=True)
            for folder in (self.root, self.partitions):
                folder.mkdir(mode=0o700, exist_ok=True)
            (self.partitions / name).mkdir(mode=0o700)
        except FileExistsError:
            raise PartitionExists(f"a partition named {name!r} exists already: `drift rm {name}` it first, "
                                  "or choose another --name") from None
        except OSError as e:
            raise LaunchError(f"cannot create the state directory in {self.partitions}: {e.strerror or e}") from None
        os.chmod(self.partitions / name, 0o700)
        return StateDir(self.partitions / name)

    # ---- starting ----

    def start(self, spec: PartitionSpec, *, host: Host | None = None) -> PartitionInfo:
        """Boot ``spec`` in the background (on ``host``, default local: see runtime.hosts);
        returns once the guest's CPUs run.

        Raises:
            UsageError: an invalid name or CPU limits.
            ImageError: the image is missing or does not match its manifest.
            AccelError: the accelerator is unusable (e.g. ``kvm`` without KVM).
            ToolMissingError: QEMU is not installed (or ``ip``, for a namespace host).
            HostError: ``host`` is a network namespace that does not exist, or an ssh host that
                cannot be reached or whose agent failed.
            ImageError: the image could not be copied to an ssh host, or arrived there corrupted.
            PartitionStateError: CPU limits asked for, but the host's cgroup v2
                cannot apply them.
            PartitionExists: the name is taken.
            LaunchError: QEMU refused to start or did not come up in time.
            In every case nothing is left running and no state directory remains.
        """
        validate_name(spec.name)
        limits = cgroups.CpuLimits(spec.cpu_min, spec.cpu_max, spec.cpu_burst)
        cgroups.validate(limits)
        manifest = image.verify(spec.image)
        cfg = qemu.QemuConfig(image=spec.image.resolve(), arch=manifest.arch,
                              machine=qemu.resolve_machine(manifest.arch, spec.machine),
                              accel=accel.resolve(spec.accel, manifest.arch), memory_mib=spec.memory_mib,
                              append=spec.append, cpus=spec.cpus, ram=self.ram, tb_size_mib=self.tb_size_mib,
                              devices=tuple(spec.devices))
        control = qemu.Control(qmp_socket=QMP_SOCK, channel_socket=CHANNEL_SOCK, channel_log=CHANNEL_LOG,
                               name=spec.name)
        cmd = qemu.command_line(cfg, stdout_path=STDOUT_LOG, stderr_path=STDERR_LOG, control=control, paused=True)
        qemu_command, remote = cmd, None
        if host is not None and host.kind == "ssh":   # QEMU there, its link here (runtime.sshhost)
            from . import sshhost
            cmd, remote, _ = sshhost.launch(host, cfg.image, manifest.image_sha256, qemu_command, spec.name)
        elif host is not None and host.kind != "local":
            host.check()
            cmd = [*host.prefix(), *cmd]
        cgroup_base = cgroups.base() if limits.any() else None
        d = self._create(spec.name)
        meta: dict[str, object] = {
            "version": META_VERSION, "name": spec.name, "backend": self.name, "starting": True,
            "spec": {**asdict(spec), "image": str(cfg.image)}, "image": str(cfg.image),
            "image_sha256": manifest.image_sha256, "arch": manifest.arch, "accel": cfg.accel,
            "machine": cfg.machine, "memory_mib": cfg.memory_mib, "cpus": cfg.cpus, "command": cmd,
            "started_at": time.time(), "ended_by": None, "cgroup": None,
            "cpu_limits": cgroups.settings(limits)}
        if host is not None and host.kind != "local":
            meta["host"] = str(host)
        if cmd is not qemu_command:                     # what a migration starts its destination from
            meta["qemu_command"] = qemu_command
        if remote is not None:
            meta["ssh"] = remote
        try:
            self._launch(d, meta, cgroup_base, limits)
        except BaseException:
            self._abort(d, meta)
            raise
        return self.inspect(spec.name)

    def _launch(self, d: StateDir, meta: dict[str, object], cgroup_base: Path | None,
                limits: cgroups.CpuLimits) -> None:
        """Spawn the wrapper and QEMU (CPUs stopped), apply CPU limits, start the CPUs.

        Raises:
            LaunchError: the wrapper or QEMU failed or did not come up in time.
            PartitionStateError: the CPU limits were refused.
        """
        _write_meta(d, meta)
        command = meta["command"]
        assert isinstance(command, list)
        deadline = time.monotonic() + START_TIMEOUT_S
        pid = self.spawn_qemu(d, meta, [str(arg) for arg in command], deadline)
        if cgroup_base is not None:
            cgroup = cgroups.create(cgroup_base, str(meta["name"]), limits)
            meta["cgroup"] = str(cgroup)
            _write_meta(d, meta)
            cgroups.attach(cgroup, pid)
        self._cont(d, meta, deadline)
        meta["starting"] = False
        remote = meta.get("ssh")
        if isinstance(remote, dict):                    # an ssh host's QEMU: its pid there
            from . import sshhost
            remote["qemu_pid"] = sshhost.remote_pid(d.path)
        _write_meta(d, meta)

    def spawn_qemu(self, d: StateDir, meta: dict[str, object], command: list[str], deadline: float) -> int:
        """Start ``command`` under the wrapper in ``d``; record the wrapper's and QEMU's pids in
        ``meta`` (written to ``d``'s meta.json as they come); QEMU's pid.

        Raises:
            LaunchError: the wrapper or QEMU failed, or QEMU's pid did not come before ``deadline``.
        """
        self._spawn(d, command, str(meta["name"]))
        meta["wrapper_pid"] = wrapper = _read_int(d / WRAPPER_PID)
        meta["wrapper_start"] = process_start(wrapper) if wrapper else None
        _write_meta(d, meta)
        pid = self._wait_for_pid(d, meta, deadline)
        meta["qemu_pid"], meta["qemu_start"] = pid, process_start(pid)
        _write_meta(d, meta)
        return pid

    @staticmethod
    def _spawn(d: StateDir, cmd: list[str], name: str) -> None:
        """Start the wrapper shell, which starts QEMU in ``d`` and returns at once.

        Raises:
            LaunchError: ``/bin/sh`` cannot be run or failed.
        """
        anon = any(arg.startswith("memory-backend-ram,") for arg in cmd)   # QemuConfig.ram "anon"
        try:
            with qemu.thp_disabled(anon):
                proc = subprocess.run(["/bin/sh", "-c", WRAPPER, f"drift:{name}", *cmd], cwd=d.path,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      start_new_session=True, check=False, timeout=START_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as e:
            raise LaunchError(f"cannot run /bin/sh to start QEMU: {e}") from None
        if proc.returncode != 0:
            raise LaunchError(f"/bin/sh failed to start QEMU ({proc.returncode}): "
                              f"{proc.stderr.decode(errors='replace').strip()}")

    def _failed_to_start(self, d: StateDir, meta: Mapping[str, object]) -> LaunchError:
        """The error for a QEMU that ended (or never came up) during start."""
        qemu_text = _read_text(d / QEMU_LOG).strip()
        rc = _read_int(d / EXIT)
        ending = _ending(d, {})
        if ending is not None and ending.reason and ending.reason.startswith("killed by"):
            said = f" ({ending.reason})"
        else:
            said = f" (exit code {rc})" if rc is not None else ""
        hint = "\n(this happened under KVM: try --accel tcg)" if meta.get("accel") == "kvm" else ""
        detail = f":\n{qemu_text}" if qemu_text else ""
        return LaunchError(f"QEMU failed to start partition {meta['name']}{said}{detail}{hint}")

    def _wait_for_pid(self, d: StateDir, meta: Mapping[str, object], deadline: float) -> int:
        """QEMU's pid once the wrapper recorded it.

        Raises:
            LaunchError: QEMU ended, or nothing came within the deadline.
        """
        while time.monotonic() < deadline:
            pid = _read_int(d / PID)
            if pid is not None:
                return pid
            if (d / EXIT).exists():
                raise self._failed_to_start(d, meta)
            time.sleep(_POLL_S)
        raise LaunchError(f"QEMU did not start within {START_TIMEOUT_S:g} s")

    def _cont(self, d: StateDir, meta: Mapping[str, object], deadline: float) -> None:
        """Start the guest's CPUs as soon as QMP answers.

        Raises:
            LaunchError: QEMU ended, or QMP did not answer before the deadline.
        """
        last = ""
        while time.monotonic() < deadline:
            if (d / EXIT).exists() or not process_alive(_int(meta, "qemu_pid"), _int(meta, "qemu_start")):
                raise self._failed_to_start(d, meta)
            if (d / QMP_SOCK).exists():
                try:
                    qmp_cont(d / QMP_SOCK, timeout=max(0.1, deadline - time.monotonic()))
                    return  # answered, or QEMU ended right after: inspect tells how
                except BackendError as e:
                    last = f": {e}"
            time.sleep(_POLL_S)
        raise LaunchError(f"QEMU did not answer on QMP within {START_TIMEOUT_S:g} s{last}")

    def _abort(self, d: StateDir, meta: Mapping[str, object]) -> None:
        """Undo a failed start: kill QEMU if it runs, remove its cgroup and the state directory."""
        pid = _qemu_pid(d, meta)
        if process_alive(pid, _int(meta, "qemu_start")) and pid is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            _wait_for_exit_file(d, meta, KILL_WAIT_S)
        if isinstance(meta.get("cgroup"), str):
            cgroups.remove(Path(str(meta["cgroup"])))
        shutil.rmtree(d.path, ignore_errors=True)

    # ---- reading state ----

    def _info(self, d: StateDir, meta: Mapping[str, object], seen: _Seen, qmp_status: str | None) -> PartitionInfo:
        """A PartitionInfo from what was observed."""
        started = _float(meta, "started_at")
        exit_status: int | None
        reason: str | None
        if seen.starting:
            state, exit_status, reason = "paused", None, "starting"
        elif seen.ending is None:
            (state, reason), exit_status = _state_of(qmp_status), None
        else:
            state, exit_status, reason = seen.ending.state, seen.ending.exit_status, seen.ending.reason
        extra: dict[str, object] = {
            "state_dir": str(d.path), "machine": _str(meta, "machine"), "image_sha256": _str(meta, "image_sha256"),
            "stderr_log": str(d / STDERR_LOG), "channel_log": str(d / CHANNEL_LOG), "qmp_socket": str(d / QMP_SOCK),
            "cgroup": meta.get("cgroup"), "cpu_limits": meta.get("cpu_limits") or {},
            "ended_by": meta.get("ended_by"), "host": _str(meta, "host", "local")}
        uptime: float | None = None
        if seen.pid is not None:
            uptime = max(0.0, time.time() - started)
        else:
            with contextlib.suppress(OSError):
                ended = (d / EXIT).stat().st_mtime
                extra["ended_at"] = ended
                extra["ran_s"] = max(0.0, ended - started)
        assert state in STATES
        return PartitionInfo(
            name=d.path.name, state=state, backend=self.name, image=_str(meta, "image"), arch=_str(meta, "arch"),
            accel=_str(meta, "accel"), memory_mib=_int(meta, "memory_mib") or 0, cpus=_int(meta, "cpus") or 1,
            started_at=started, uptime_s=uptime, pid=seen.pid, qmp_status=qmp_status, exit_status=exit_status,
            reason=reason, console_log=str(d / STDOUT_LOG), channel=str(d / CHANNEL_SOCK), extra=extra)

    def inspect(self, name: str) -> PartitionInfo:
        """One partition's current state (QEMU is asked over QMP if it runs).

        Raises:
            UsageError: an invalid name.
            PartitionNotFound: there is no such partition.
        """
        d, meta = self._dir(name)
        seen = _observe(d, meta)
        status = qmp_statuses({name: d / QMP_SOCK}).get(name) if seen.pid is not None else None
        return self._info(d, meta, seen, status)

    def list(self) -> list[PartitionInfo]:
        """Every partition in the state directory, finished ones included, sorted by name."""
        try:
            entries = sorted(p for p in self.partitions.iterdir() if NAME_RE.fullmatch(p.name))
        except FileNotFoundError:
            return []
        found: list[tuple[StateDir, dict[str, object], _Seen]] = []
        for path in entries:
            d = StateDir(path)
            meta = _read_meta(d)
            if meta is not None:
                found.append((d, meta, _observe(d, meta)))
        statuses = qmp_statuses({d.path.name: d / QMP_SOCK for d, _, seen in found if seen.pid is not None})
        return [self._info(d, meta, seen, statuses.get(d.path.name)) for d, meta, seen in found]

    # ---- control ----

    def _running(self, name: str, action: str) -> tuple[StateDir, dict[str, object], PartitionInfo]:
        """An existing partition whose QEMU runs.

        Raises:
            UsageError, PartitionNotFound: as :meth:`inspect`.
            PartitionStateError: its QEMU has ended.
        """
        d, meta = self._dir(name)
        info = self.inspect(name)
        if info.pid is None:
            raise PartitionStateError(f"cannot {action} {name}: it is {info.state}"
                                      + (f" ({info.reason})" if info.reason else ""))
        return d, meta, info

    def pause(self, name: str) -> None:
        """Stop the guest's CPUs (QMP ``stop``).

        Raises:
            UsageError, PartitionNotFound: as :meth:`inspect`.
            PartitionStateError: it is not running.
            BackendError: QMP failed.
        """
        d, _, info = self._running(name, "pause")
        if info.state != "running":
            raise PartitionStateError(f"cannot pause {name}: it is {info.state}")
        qmp(d / QMP_SOCK, [("stop", None)])

    def resume(self, name: str) -> None:
        """Restart the guest's CPUs (QMP ``cont``).

        Raises:
            UsageError, PartitionNotFound: as :meth:`inspect`.
            PartitionStateError: it is not paused.
            BackendError: QMP failed.
        """
        d, _, info = self._running(name, "resume")
        if info.state != "paused":
            raise PartitionStateError(f"cannot resume {name}: it is {info.state}, not paused")
        qmp(d / QMP_SOCK, [("cont", None)])

    def stop(self, name: str, timeout: float = 10.0) -> None:
        """Ask QEMU to quit (QMP ``quit``) and wait up to ``timeout`` s; then SIGKILL it.

        Raises:
            UsageError, PartitionNotFound: as :meth:`inspect`.
            PartitionStateError: it has ended already.
            LaunchError: QEMU outlived even SIGKILL.
        """
        d, meta, info = self._running(name, "stop")
        meta["ended_by"] = "drift stop"
        _write_meta(d, meta)
        with contextlib.suppress(BackendError):  # QEMU may close the socket before it answers
            qmp(d / QMP_SOCK, [("quit", None)], timeout=min(timeout, QMP_TIMEOUT_S))
        if self._wait_gone(d, meta, info.pid, timeout):
            return
        meta["ended_by"] = f"drift stop: QMP quit not obeyed within {timeout:g} s"
        _write_meta(d, meta)
        self._sigkill(d, meta, info.pid)

    def kill(self, name: str) -> None:
        """End the partition at once: SIGKILL its QEMU.

        Raises:
            UsageError, PartitionNotFound: as :meth:`inspect`.
            PartitionStateError: it has ended already.
            LaunchError: QEMU did not die.
        """
        d, meta, info = self._running(name, "kill")
        meta["ended_by"] = "drift kill"
        _write_meta(d, meta)
        self._sigkill(d, meta, info.pid)

    def _sigkill(self, d: StateDir, meta: Mapping[str, object], pid: int | None) -> None:
        """SIGKILL QEMU and wait for it to be gone.

        Raises:
            LaunchError: it is still there after KILL_WAIT_S seconds.
        """
        if pid is not None and process_alive(pid, _int(meta, "qemu_start")):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if not self._wait_gone(d, meta, pid, KILL_WAIT_S):
            raise LaunchError(f"QEMU (pid {pid}) of {meta['name']} did not die within {KILL_WAIT_S:g} s")

    @staticmethod
    def _wait_gone(d: StateDir, meta: Mapping[str, object], pid: int | None, timeout: float) -> bool:
        """Wait until QEMU is gone and its exit is recorded (or its wrapper is gone); whether it is."""
        deadline = time.monotonic() + timeout
        while process_alive(pid, _int(meta, "qemu_start")):
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_S)
        _wait_for_exit_file(d, meta, _EXIT_GRACE_S)
        return True

    def remove(self, name: str) -> None:
        """Forget an ended partition: its state directory (and cgroup) go.

        Raises:
            UsageError, PartitionNotFound: as :meth:`inspect`.
            PartitionStateError: its QEMU still runs (stop or kill it first).
        """
        d, meta = self._dir(name)
        seen = _observe(d, meta)
        if seen.pid is not None or seen.starting:
            raise PartitionStateError(f"cannot remove {name}: its QEMU still runs (pid {seen.pid}); "
                                      f"`drift stop {name}` or `drift kill {name}` first, or `drift rm -f {name}`")
        if isinstance(meta.get("cgroup"), str):
            cgroups.remove(Path(str(meta["cgroup"])))
        trash = d.path.with_name(f".removing-{name}-{secrets.token_hex(4)}")
        try:
            os.rename(d.path, trash)
        except FileNotFoundError:
            raise PartitionNotFound(f"no partition named {name!r} (removed meanwhile)") from None
        shutil.rmtree(trash, ignore_errors=True)

    # ---- files ----

    def console_log(self, name: str) -> Path:
        """The program's stdout log.  Raises UsageError/PartitionNotFound as :meth:`inspect`."""
        return self._dir(name)[0] / STDOUT_LOG

    def stderr_log(self, name: str) -> Path:
        """The program's stderr log.  Raises UsageError/PartitionNotFound as :meth:`inspect`."""
        return self._dir(name)[0] / STDERR_LOG

    def channel_socket(self, name: str) -> Path:
        """The channel's Unix socket.  Raises UsageError/PartitionNotFound as :meth:`inspect`."""
        return self._dir(name)[0] / CHANNEL_SOCK

    def channel_log(self, name: str) -> Path:
        """Everything the guest sent on the channel.  Raises UsageError/PartitionNotFound as :meth:`inspect`."""
        return self._dir(name)[0] / CHANNEL_LOG

    def channel_cursor(self, name: str) -> Path:
        """How much of the channel log ``recv`` consumed.  Raises UsageError/PartitionNotFound."""
        return self._dir(name)[0] / CHANNEL_CURSOR
