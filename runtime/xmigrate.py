"""Migration across CPU architectures (``drift migrate NAME --to HOST --arch ARCH``).

QEMU's live migration moves a machine to an identical machine; a Drift
program can move further, because its state is the VM's, not the CPU's:

1. the source pauses at a safe point and writes a portable snapshot
   (:func:`runtime.snapctl.take`; it waits there, paused);
2. the program's bytecode is built into an image for the target
   architecture, and a destination QEMU boots it in a staging directory that
   shares the partition's logs, with the snapshot loaded into its RAM;
3. the destination's VM checks the snapshot and resumes (it says so on the
   channel: ``ESC restored``); only then does the source QEMU end, and the
   staging directory becomes the partition (same name, same logs);
4. if anything fails before that, the destination is killed and the source
   resumes where it paused.

Output continues in the same ``stdout.log``; the channel log continues too
(clients reconnect as after a live migration); channel input the program had
received but not read travels in the snapshot.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import accel, hosts, image, migrate, partition, qemu, snapctl
from .errors import BackendError, DriftError, LaunchError, MigrationError, PartitionStateError, SnapshotError
from .hosts import Host
from .partition import CHANNEL_LOG, CHANNEL_SOCK, QMP_SOCK, STDERR_LOG, STDOUT_LOG, DirectBackend, StateDir

RESTORE_TIMEOUT_S = 30.0


@dataclass
class XMigrationReport:
    """What ``drift migrate --arch ... --json`` prints."""

    name: str
    status: str
    source_arch: str
    dest_arch: str
    source_host: str
    dest_host: str
    #: The program's pause: from the snapshot request being served (the
    #: source stopped at its safe point) to the destination saying it runs.
    pause_ms: float
    snapshot_bytes: int
    live_heap_bytes: int
    snapshot_ms: float
    restore_ms: float
    wall_ms: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _wait_restored(log: Path, mark: int, stderr: Path, deadline: float) -> None:
    """Wait for the destination's ``ESC restored`` record after byte ``mark`` of the channel log.

    Raises:
        MigrationError: it refused the snapshot or ended, or did not answer in time.
    """
    while True:
        try:
            with log.open("rb") as f:
                f.seek(mark)
                data = f.read()
        except FileNotFoundError:
            data = b""
        for line in data.split(b"\n")[:-1]:
            if line == b"\x1brestored":
                return
            if line.startswith(b"\x1bexit"):
                why = ""
                with contextlib.suppress(OSError):
                    why = stderr.read_text(errors="replace").strip().splitlines()[-1]
                raise MigrationError(f"the destination ended ({line[1:].decode()}): {why}")
        if time.monotonic() > deadline:
            raise MigrationError("the destination did not resume the program in time")
        time.sleep(0.001)


def migrate_arch(name: str, to: Host, arch: str, *, backend: DirectBackend | None = None,
                 timeout: float = RESTORE_TIMEOUT_S) -> XMigrationReport:
    """Move partition ``name`` to a new QEMU for ``arch`` on ``to`` through a VM snapshot.

    Raises:
        PartitionNotFound, UsageError: no such partition, an unknown arch.
        PartitionStateError: it does not run, or is being migrated.
        HostError, ToolMissingError: ``to`` is unusable.
        ChannelError: the program did not reach a safe point in time (it runs on).
        SnapshotError: the snapshot could not be written (it runs on).
        MigrationError, LaunchError: the destination failed; the source runs on.
    """
    backend = backend or DirectBackend()
    to.check()
    started = time.monotonic()
    d, meta = backend.locate(name)
    info = backend.inspect(name)
    if info.state != "running":
        raise PartitionStateError(f"cannot migrate {name}: it is {info.state}")
    source_arch = str(meta.get("arch", "x86_64"))
    source_host = str(meta.get("host") or hosts.LOCAL)
    with migrate._locked(d):
        taken = snapctl.take(name)
        assert taken.info is not None
        snapped = time.monotonic()
        staging: StateDir | None = None
        dest: dict[str, object] = {}
        try:
            spec, _ = snapctl.restore_spec(taken.data, taken.info, arch=arch, name=name)
            manifest = image.verify(spec.image)
            cfg = qemu.QemuConfig(image=spec.image.resolve(), arch=arch, machine=qemu.resolve_machine(arch, None),
                                  accel=accel.resolve("auto", arch), memory_mib=spec.memory_mib,
                                  append=spec.append, devices=spec.devices, memfd=backend.memfd,
                                  tb_size_mib=backend.tb_size_mib)
            control = qemu.Control(qmp_socket=QMP_SOCK, channel_socket=CHANNEL_SOCK, channel_log=CHANNEL_LOG,
                                   name=name)
            cmd = qemu.command_line(cfg, stdout_path=STDOUT_LOG, stderr_path=STDERR_LOG, control=control,
                                    paused=False)
            cmd = _appending(cmd)
            staging = migrate._stage(d)
            command = [*to.prefix(), *cmd]
            dest = {**meta, "command": command, "qemu_command": cmd, "host": str(to), "arch": arch,
                    "image": str(cfg.image), "image_sha256": manifest.image_sha256, "accel": cfg.accel,
                    "machine": cfg.machine, "memory_mib": cfg.memory_mib, "starting": False, "ended_by": None,
                    "spec": {**asdict(spec), "image": str(cfg.image)}}
            for key in ("qemu_pid", "qemu_start", "wrapper_pid", "wrapper_start"):
                dest.pop(key, None)
            log = staging / CHANNEL_LOG
            mark = log.stat().st_size if log.exists() else 0
            backend.spawn_qemu(staging, dest, command, time.monotonic() + partition.START_TIMEOUT_S)
            _wait_restored(log, mark, staging / STDERR_LOG, time.monotonic() + timeout)
            resumed = time.monotonic()
        except BaseException as e:
            if staging is not None:
                migrate._end(_int(dest.get("qemu_pid")) or migrate._read_pid(staging),
                             _int(dest.get("qemu_start")), None)
                migrate._end_wrapper(_int(dest.get("wrapper_pid")), _int(dest.get("wrapper_start")))
                shutil.rmtree(staging.path, ignore_errors=True)
            with contextlib.suppress(DriftError):
                taken.finish(stop=False)
            where = f"{name} keeps running on {source_host} ({source_arch})"
            if isinstance(e, KeyboardInterrupt):
                raise MigrationError(f"migration of {name} interrupted and cancelled; {where}") from None
            if isinstance(e, (MigrationError, LaunchError, SnapshotError, BackendError)):
                raise MigrationError(f"migration of {name} to {arch} on {to} failed: {e}; {where}") from None
            if isinstance(e, OSError):
                raise MigrationError(f"migration of {name} failed: {e}; {where}") from None
            raise
        # the destination runs the program: make it the partition, end the source (never resumed)
        taken.sock.close()
        history = meta.get("migrations")
        dest["migrations"] = [*(history if isinstance(history, list) else []), {
            "at": time.time(), "from": source_host, "to": str(to), "from_arch": source_arch, "to_arch": arch,
            "pause_ms": round((resumed - taken.pause_start) * 1000, 1)}]
        partition.write_meta(staging, dest)
        migrate.exchange(staging.path, d.path)
        retired = staging
        migrate._end(_int(meta.get("qemu_pid")), _int(meta.get("qemu_start")), None)
        migrate._end_wrapper(_int(meta.get("wrapper_pid")), _int(meta.get("wrapper_start")))
        shutil.rmtree(retired.path, ignore_errors=True)
    return XMigrationReport(
        name=name, status="completed", source_arch=source_arch, dest_arch=arch, source_host=source_host,
        dest_host=str(to), pause_ms=round((resumed - taken.pause_start) * 1000, 1),
        snapshot_bytes=len(taken.data), live_heap_bytes=taken.info.heap_bytes,
        snapshot_ms=round((snapped - taken.pause_start) * 1000, 1), restore_ms=round((resumed - snapped) * 1000, 1),
        wall_ms=round((time.monotonic() - started) * 1000, 1))


def _appending(cmd: list[str]) -> list[str]:
    """The channel log continues (appended, never truncated) across the move."""
    out = []
    for arg in cmd:
        if arg.startswith("socket,id=ch,") and "logappend=" not in arg:
            arg += ",logappend=on"
        out.append(arg)
    return out
