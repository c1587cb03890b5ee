"""Migration across CPU architectures (``drift migrate NAME --to HOST --arch ARCH``).

QEMU's live migration moves a machine to an identical machine; a Drift
program can move further, because its state is the VM's, not the CPU's:

1. the source pauses at a safe point and writes a portable snapshot
   (:func:`runtime.snapctl.take`; it waits there, paused);
2. the program's bytecode is built into an image for the target
   architecture, and a destination QEMU (or libvirt domain) has booted it
   beforehand, sharing the partition's logs and waiting with the program
   loaded; the snapshot is written into its RAM (a shared file or memfd).
   A libvirt domain whose QEMU is not on this host boots during the pause
   instead, with the snapshot loaded by QEMU's ``loader``;
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
import os
import shutil
import signal
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import accel, hosts, image, migrate, partition, qemu, snapctl
from .errors import (
    BackendError,
    ChannelError,
    DriftError,
    HostError,
    ImageError,
    LaunchError,
    MigrationError,
    PartitionNotFound,
    PartitionStateError,
    SnapshotError,
    UsageError,
)
from .hosts import Host
from .partition import CHANNEL_LOG, CHANNEL_SOCK, QMP_SOCK, STDERR_LOG, STDOUT_LOG, DirectBackend, StateDir

if TYPE_CHECKING:
    from .backend import Backend
    from .libvirt_backend import LibvirtBackend

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
    #: ``before-pause``: the destination was booted and waiting before the source paused, and the
    #: snapshot written into its RAM; ``after-snapshot``: it booted with the snapshot during the pause
    #: (a libvirt move where the former is impossible: ``fallback`` says why).
    dest_boot: str = "before-pause"
    fallback: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _wait_record(log: Path, mark: int, record: bytes, stderr: Path, deadline: float,
                 dest: dict[str, object] | None = None) -> int:
    """Wait for the control record ``record`` (e.g. ``ESC restored``) after byte ``mark`` of the
    channel log; the offset just after it.

    Raises:
        MigrationError: the destination ended first (it refused the snapshot...), or did not answer in time.
    """
    while True:
        try:
            with log.open("rb") as f:
                f.seek(mark)
                data = f.read()
        except FileNotFoundError:
            data = b""
        pos = 0
        for line in data.split(b"\n")[:-1]:
            pos += len(line) + 1
            if line == record:
                return mark + pos
            if line.startswith(b"\x1bexit"):
                alive = dest is not None and partition.process_alive(_int(dest.get("qemu_pid")),
                                                                     _int(dest.get("qemu_start")))
                if alive:                                    # the source's record: it finished meanwhile
                    raise PartitionStateError("the program ended before it could move")
                why = ""
                with contextlib.suppress(OSError, IndexError):
                    why = stderr.read_text(errors="replace").strip().splitlines()[-1]
                raise MigrationError(f"the destination ended ({line[1:].decode()}): {why}")
        if time.monotonic() > deadline:
            raise MigrationError(f"the destination did not say {record[1:].decode()!r} in time")
        time.sleep(0.0005)


def _send(d: StateDir, record: bytes) -> None:
    """Send a control record on the channel of the QEMU whose state directory is ``d``."""
    with snapctl._channel(d.path) as sock:
        try:
            sock.sendall(record)
            snapctl._drained(sock, time.monotonic() + 5)
        finally:
            sock.close()


def _dest_command(cfg: qemu.QemuConfig, name: str, ram_file: Path) -> list[str]:
    """The destination's QEMU command: its RAM in ``ram_file`` (shared, so the host can write
    the snapshot into it), the channel log appended to."""
    control = qemu.Control(qmp_socket=QMP_SOCK, channel_socket=CHANNEL_SOCK, channel_log=CHANNEL_LOG, name=name)
    cmd = qemu.command_line(cfg, stdout_path=STDOUT_LOG, stderr_path=STDERR_LOG, control=control, paused=False)
    ram = qemu.ram_backend(cfg)
    if ram not in cmd:
        raise LaunchError(f"cannot give the destination a shared RAM file (no {ram} in its command)")
    cmd[cmd.index(ram)] = f"memory-backend-file,id=ram,size={cfg.memory_mib}M,mem-path={ram_file},share=on"
    return _appending(cmd)


def migrate_arch(name: str, to: Host | str, arch: str, *, backend: Backend | None = None,
                 timeout: float = RESTORE_TIMEOUT_S) -> XMigrationReport:
    """Move partition ``name`` to a new QEMU for ``arch`` on ``to`` through a VM snapshot.

    A direct partition (``backend`` None or a DirectBackend) moves to host ``to``
    (``local``, ``netns:NAME``).  The destination is booted first (program
    loaded and verified, waiting), so the program's pause is only: the
    snapshot at a safe point, copying it out of the source and into the
    destination's RAM, and the destination's check.

    A libvirt partition moves to a new domain on ``to``: ``local`` (its own
    libvirtd) or another libvirtd's URI (see :func:`migrate_libvirt`).

    Raises:
        PartitionNotFound, UsageError: no such partition, an unknown arch.
        PartitionStateError: it does not run, or is being migrated.
        HostError, ToolMissingError: ``to`` is unusable.
        ChannelError: the program did not reach a safe point in time (it runs on).
        SnapshotError: the snapshot could not be written (it runs on).
        MigrationError, LaunchError: the destination failed; the source runs on.
    """
    backend = backend or DirectBackend()
    if not isinstance(backend, DirectBackend):
        from .libvirt_backend import LibvirtBackend

        if not isinstance(backend, LibvirtBackend):
            raise UsageError(f"the {backend.name} backend cannot move partitions across architectures")
        return migrate_libvirt(backend, name, str(to), arch, timeout=timeout)
    if isinstance(to, str):
        to = hosts.parse(to)
    to.check()
    if arch not in snapctl.RAM_BASE:
        raise UsageError(f"unknown architecture {arch!r}: use one of {', '.join(snapctl.RAM_BASE)}")
    started = time.monotonic()
    d, meta = backend.locate(name)
    info = backend.inspect(name)
    if info.state != "running":
        raise PartitionStateError(f"cannot migrate {name}: it is {info.state}")
    source_arch = str(meta.get("arch", "x86_64"))
    source_host = str(meta.get("host") or hosts.LOCAL)
    code = image.extract(Path(str(meta["image"])))
    snapctl.cache_bytecode(code)
    program_mib = int(str(meta.get("program_memory_mib") or meta.get("memory_mib") or 8))
    if to.kind == "ssh":
        return _migrate_arch_ssh(backend, name, d, meta, to, arch, code, program_mib, started, timeout)
    img = snapctl.image_for(code, arch, program_mib)
    manifest = image.verify(img)
    # RAM: the program's memory (plus slack for the kernel), then room for a snapshot of it
    room_mib = program_mib + 4
    memory = program_mib + 4 + room_mib
    addr = snapctl.RAM_BASE[arch] + (program_mib + 4) * snapctl.MIB
    ram_file = Path(f"/dev/shm/drift-{name}-{os.getpid()}-{int(time.time() * 1000)}.ram")
    cfg = qemu.QemuConfig(image=img.resolve(), arch=arch, machine=qemu.resolve_machine(arch, None),
                          accel=accel.resolve("auto", arch), memory_mib=memory,
                          append=f"drift.restore={addr:x},wait", ram="anon", tb_size_mib=backend.tb_size_mib)
    with migrate._locked(d):
        staging: StateDir | None = None
        dest: dict[str, object] = {}
        taken: snapctl.Taken | None = None
        try:
            cmd = _dest_command(cfg, name, ram_file)
            staging = migrate._stage(d)
            command = [*to.prefix(), *cmd]
            dest = _dest_meta(meta, command, cmd, to, cfg, manifest.image_sha256, program_mib)
            log = staging / CHANNEL_LOG
            mark = log.stat().st_size if log.exists() else 0
            backend.spawn_qemu(staging, dest, command, time.monotonic() + partition.START_TIMEOUT_S)
            mark = _wait_record(log, mark, b"\x1bready", staging / STDERR_LOG, time.monotonic() + timeout, dest)
            fd = os.open(ram_file, os.O_RDWR | os.O_CLOEXEC)
            ram_file.unlink()
            try:
                taken = snapctl.take(name)                       # the program pauses here
                assert taken.info is not None
                snapped = time.monotonic()
                if len(taken.data) > room_mib * snapctl.MIB:
                    raise SnapshotError(f"the snapshot ({len(taken.data)} bytes) is larger than expected")
                os.pwrite(fd, taken.data, addr - snapctl.RAM_BASE[arch])
            finally:
                os.close(fd)
            _send(staging, b"\x1bgo\n")
            _wait_record(log, mark, b"\x1brestored", staging / STDERR_LOG, time.monotonic() + timeout)
            resumed = time.monotonic()
        except BaseException as e:
            with contextlib.suppress(FileNotFoundError):
                ram_file.unlink()
            raise _abandon(e, staging, dest, taken, name, f"{arch} on {to}",
                           f"{name} keeps running on {source_host} ({source_arch})") from None
        _adopt(d, meta, staging, dest, taken, source_host, str(to), source_arch, arch, resumed)
    return _completed(name, taken, source_host, str(to), source_arch, arch, started, snapped, resumed)


def _dest_meta(meta: dict[str, object], command: list[str], qemu_command: list[str], to: Host,
               cfg: qemu.QemuConfig, image_sha256: str, program_mib: int) -> dict[str, object]:
    """The destination's ``meta.json``: the source's, with its QEMU, host, architecture and image."""
    dest = {**meta, "command": command, "qemu_command": qemu_command, "host": str(to), "arch": cfg.arch,
            "image": str(cfg.image), "image_sha256": image_sha256, "accel": cfg.accel, "machine": cfg.machine,
            "memory_mib": cfg.memory_mib, "program_memory_mib": program_mib, "starting": False, "ended_by": None}
    for key in ("qemu_pid", "qemu_start", "wrapper_pid", "wrapper_start"):
        dest.pop(key, None)
    return dest


def _completed(name: str, taken: snapctl.Taken, source_host: str, dest_host: str, source_arch: str, arch: str,
               started: float, snapped: float, resumed: float) -> XMigrationReport:
    """The report of a completed cross-architecture move (times from ``time.monotonic()``)."""
    assert taken.info is not None
    return XMigrationReport(
        name=name, status="completed", source_arch=source_arch, dest_arch=arch, source_host=source_host,
        dest_host=dest_host, pause_ms=round((resumed - taken.pause_start) * 1000, 1),
        snapshot_bytes=len(taken.data), live_heap_bytes=taken.info.heap_bytes,
        snapshot_ms=round((snapped - taken.pause_start) * 1000, 1), restore_ms=round((resumed - snapped) * 1000, 1),
        wall_ms=round((time.monotonic() - started) * 1000, 1))


def _abandon(e: BaseException, staging: StateDir | None, dest: dict[str, object], taken: snapctl.Taken | None,
             name: str, where_to: str, runs_on: str) -> BaseException:
    """After ``e`` ended a cross-architecture move of a direct partition: kill the destination,
    remove its staging directory, resume the source if it paused; the error to raise (a
    MigrationError saying that the source runs on, or ``e`` itself if unexpected)."""
    if staging is not None:
        migrate._end(_int(dest.get("qemu_pid")) or migrate._read_pid(staging), _int(dest.get("qemu_start")), None)
        migrate._end_wrapper(_int(dest.get("wrapper_pid")), _int(dest.get("wrapper_start")))
        shutil.rmtree(staging.path, ignore_errors=True)
    if taken is not None:
        with contextlib.suppress(DriftError):
            taken.finish(stop=False)                     # the source goes on where it paused
    if isinstance(e, KeyboardInterrupt):
        return MigrationError(f"migration of {name} interrupted and cancelled; {runs_on}")
    if isinstance(e, PartitionStateError):
        return PartitionStateError(f"cannot migrate {name}: {e}")
    if isinstance(e, (MigrationError, LaunchError, SnapshotError, BackendError, ChannelError, HostError, ImageError)):
        return MigrationError(f"migration of {name} to {where_to} failed: {e}; {runs_on}")
    if isinstance(e, OSError):
        return MigrationError(f"migration of {name} failed: {e}; {runs_on}")
    return e


def _adopt(d: StateDir, meta: dict[str, object], staging: StateDir | None, dest: dict[str, object],
           taken: snapctl.Taken | None, source_host: str, dest_host: str, source_arch: str, arch: str,
           resumed: float) -> None:
    """The destination runs the program: make it the partition (its staging directory takes the
    partition's place, the move recorded), end the source (never resumed)."""
    assert staging is not None and taken is not None
    taken.sock.close()
    history = meta.get("migrations")
    dest["migrations"] = [*(history if isinstance(history, list) else []), {
        "at": time.time(), "from": source_host, "to": dest_host, "from_arch": source_arch, "to_arch": arch,
        "pause_ms": round((resumed - taken.pause_start) * 1000, 1)}]
    partition.write_meta(staging, dest)
    migrate.exchange(staging.path, d.path)
    migrate._end(_int(meta.get("qemu_pid")), _int(meta.get("qemu_start")), None)
    migrate._end_wrapper(_int(meta.get("wrapper_pid")), _int(meta.get("wrapper_start")))
    shutil.rmtree(staging.path, ignore_errors=True)      # the source's directory now


def _migrate_arch_ssh(backend: DirectBackend, name: str, d: StateDir, meta: dict[str, object], to: Host, arch: str,
                      code: bytes, program_mib: int, started: float, timeout: float) -> XMigrationReport:
    """:func:`migrate_arch` of a direct partition to an ssh host: QEMU there cannot be given the
    snapshot in its RAM from here, so it boots with it (a ``loader`` device, the file copied to the
    host as for ``drift restore --to``) after the snapshot, during the pause (``after-snapshot``).
    The source resumes if anything fails before the destination says it runs.

    Raises:
        As :func:`migrate_arch`; ImageError: the image or snapshot could not be copied there.
    """
    from . import cgroups, sshhost

    source_arch = str(meta.get("arch", "x86_64"))
    source_host = str(meta.get("host") or hosts.LOCAL)
    # Before the program pauses: reach the host and put the image for ``arch`` there (the same
    # kernel and bytecode whatever the memory size the snapshot will need, so the same SHA-256).
    target = sshhost.resolve(to)
    ahead_path = snapctl.image_for(code, arch, program_mib + 4)
    ahead = image.verify(ahead_path)
    greeting = sshhost.hello(target, None if target.shared_files else ahead.image_sha256)
    have = greeting.get("image")
    copy = sshhost.ensure_image(target, ahead_path, ahead.image_sha256, have if isinstance(have, dict) else None)
    greeting["image"] = {"path": copy.path, "corrupt": False}
    with migrate._locked(d):
        staging: StateDir | None = None
        dest: dict[str, object] = {}
        taken: snapctl.Taken | None = None
        try:
            taken = snapctl.take(name)                       # the program pauses here
            assert taken.info is not None
            snapped = time.monotonic()
            spec, _ = snapctl.restore_spec(taken.data, taken.info, arch=arch, name=name,
                                           memory_mib=snapctl.memory_for(taken.data, program_mib + 4), code=code)
            manifest = image.verify(spec.image)
            cfg = qemu.QemuConfig(image=spec.image.resolve(), arch=arch, machine=qemu.resolve_machine(arch, None),
                                  accel=accel.resolve("auto", arch), memory_mib=spec.memory_mib, append=spec.append,
                                  ram="anon", tb_size_mib=backend.tb_size_mib, devices=spec.devices)
            control = qemu.Control(qmp_socket=QMP_SOCK, channel_socket=CHANNEL_SOCK, channel_log=CHANNEL_LOG,
                                   name=name)
            qcmd = _appending(qemu.command_line(cfg, stdout_path=STDOUT_LOG, stderr_path=STDERR_LOG, control=control,
                                                paused=True))
            staging = migrate._stage(d)
            command, remote, _ = sshhost.launch(to, cfg.image, manifest.image_sha256, qcmd, name, greeting)
            dest = {**_dest_meta(meta, command, qcmd, to, cfg, manifest.image_sha256, program_mib), "ssh": remote}
            log = staging / CHANNEL_LOG
            mark = log.stat().st_size if log.exists() else 0
            backend._launch(staging, dest, None, cgroups.CpuLimits())
            _wait_record(log, mark, b"\x1brestored", staging / STDERR_LOG, time.monotonic() + timeout)
            resumed = time.monotonic()
        except BaseException as e:
            link = _int(dest.get("qemu_pid")) or (migrate._read_pid(staging) if staging is not None else None)
            if link is not None:                         # the link closes the session; the host ends QEMU
                with contextlib.suppress(ProcessLookupError):
                    os.kill(link, signal.SIGTERM)
            raise _abandon(e, staging, dest, taken, name, f"{arch} on {to}",
                           f"{name} keeps running on {source_host} ({source_arch})") from None
        _adopt(d, meta, staging, dest, taken, source_host, str(to), source_arch, arch, resumed)
    report = _completed(name, taken, source_host, str(to), source_arch, arch, started, snapped, resumed)
    report.dest_boot = "after-snapshot"
    report.fallback = "an ssh host: its QEMU boots with the snapshot (its RAM cannot be written from here)"
    return report


def _appending(cmd: list[str]) -> list[str]:
    """The channel log continues (appended, never truncated) across the move."""
    out = []
    for arg in cmd:
        if arg.startswith("socket,id=ch,") and "logappend=" not in arg:
            arg += ",logappend=on"
        out.append(arg)
    return out


@dataclass
class _Waiting:
    """A destination domain booted before the source pauses (``drift.restore=ADDR,wait``): its
    program is loaded and verified, and it waits for ``ESC go`` with the snapshot in its RAM."""

    dom: Any
    #: Its guest RAM (QEMU's shared memfd), where the snapshot goes at ``offset`` (``room`` bytes free).
    fd: int
    offset: int
    room: int
    #: A connection to its channel (for ``ESC go``), and the channel log's offset after its ``ESC ready``.
    sock: socket.socket
    mark: int

    def close(self) -> None:
        """Close the RAM descriptor and the channel connection (the domain is left as it is)."""
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self.sock.close()


def _preboot_libvirt(dest: LibvirtBackend, name: str, folder: Path, code: bytes, arch: str, program_mib: int,
                     generation: int, accel_name: str, timeout: float) -> _Waiting:
    """Boot the destination domain of a libvirt move before the source pauses, as the direct path
    does: RAM a shared memfd (``<memoryBacking>``), the program's memory and as much again above it
    for the snapshot, ``drift.restore=ADDR,wait``; wait for ``ESC ready``, open its RAM through
    ``/proc/PID/fd`` and connect to its channel.  On failure nothing of it is left.

    Raises:
        BackendError: ``dest`` is not a local libvirtd, libvirt refused the domain, or its RAM
            cannot be opened here.
        LaunchError, PartitionExists, ImageError: the domain could not be started.
        MigrationError: the destination ended or did not say ``ready`` in time.
        ChannelError: its channel cannot be reached.
        KeyboardInterrupt: Ctrl-C (the destination is removed first).
    """
    from .backend import PartitionSpec
    from .libvirt_backend import CHANNEL_LOG as LV_CHANNEL_LOG
    from .libvirt_backend import STDERR_LOG as LV_STDERR_LOG

    if dest.run_dir is None:
        raise BackendError(f"{dest.uri} is not a local libvirtd: its QEMU's RAM cannot be written from here")
    img = snapctl.image_for(code, arch, program_mib)
    room_mib = program_mib + 4                       # as a direct move: see migrate_arch
    memory = program_mib + 4 + room_mib
    addr = snapctl.RAM_BASE[arch] + (program_mib + 4) * snapctl.MIB
    spec = PartitionSpec(name=name, image=img, memory_mib=memory, accel=accel_name,
                         append=f"drift.restore={addr:x},wait")
    log = folder / LV_CHANNEL_LOG
    dom: Any = None
    fd: int | None = None
    try:
        mark = log.stat().st_size
        dom = dest.boot(spec, join=folder, generation=generation, staging=True, shared_ram=True,
                        extra={"program-memory-mib": str(program_mib)})
        mark = _wait_record(log, mark, b"\x1bready", folder / LV_STDERR_LOG, time.monotonic() + timeout)
        fd = dest.guest_ram(dom, name, memory * snapctl.MIB)
        sock_path = dest._metadata(dom, name).get("channel-socket") or ""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(sock_path)
        except OSError as e:
            sock.close()
            raise ChannelError(f"cannot reach the destination's channel {sock_path}: {e.strerror or e}") from None
        return _Waiting(dom=dom, fd=fd, offset=addr - snapctl.RAM_BASE[arch], room=room_mib * snapctl.MIB,
                        sock=sock, mark=mark)
    except BaseException as e:
        if fd is not None:
            os.close(fd)
        if dom is not None:
            dest.discard(dom)
            dest.unprepare(folder, generation)
        if isinstance(e, OSError):
            raise BackendError(f"cannot boot the destination ahead: {e.strerror or e}") from None
        raise


def migrate_libvirt(source: LibvirtBackend, name: str, to: str, arch: str, *,
                    timeout: float = RESTORE_TIMEOUT_S) -> XMigrationReport:
    """Move libvirt partition ``name`` to a new domain for ``arch`` on the libvirtd ``to``
    (``local``: the source's own; else a URI this host can open, e.g. another private
    libvirtd's ``qemu+unix:///system?socket=...``).

    The destination domain is ``drift-NAME`` where that is free, else
    ``drift-NAME@N``, in the partition's folder (same logs; its own image copy
    and channel socket, ``image.N.elf``/``channel.N.sock``), hidden from ``drift
    ps`` until it says ``ESC restored``; then the source domain is destroyed
    and undefined and the destination becomes the partition.  Both libvirtds
    must see the partition's folder at the same path (local daemons do).

    Where the destination's QEMU runs on this host (a local libvirtd), it is
    booted *before* the source pauses, as a direct move does
    (:func:`_preboot_libvirt`: its RAM a shared memfd), and the snapshot is
    written straight into its RAM (``dest_boot`` ``before-pause``).  Otherwise
    (a remote libvirtd, or that failed: ``fallback`` says why) the source
    pauses first and the destination boots with the snapshot through QEMU's
    ``loader`` (``after-snapshot``: a longer pause).  On any failure the
    destination is removed and the source goes on where it paused.

    Raises:
        UsageError: ``to`` is a ``netns:`` host or an unknown arch.
        PartitionNotFound: no such partition.
        PartitionStateError: it does not run (or ended first).
        ChannelError: the program did not reach a safe point in time (it runs on).
        SnapshotError: the snapshot could not be written (it runs on).
        MigrationError: the destination failed; the source runs on.
        BackendError: the destination libvirtd cannot be reached.
    """
    from .libvirt_backend import BOOT_IMAGE, LibvirtBackend
    from .libvirt_backend import CHANNEL_LOG as LV_CHANNEL_LOG
    from .libvirt_backend import STDERR_LOG as LV_STDERR_LOG

    if arch not in snapctl.RAM_BASE:
        raise UsageError(f"unknown architecture {arch!r}: use one of {', '.join(snapctl.RAM_BASE)}")
    if to.startswith("netns:"):
        raise UsageError(f"--to {to}: a libvirt partition moves to a libvirtd: `local` (its own) or a libvirt "
                         "URI (scripts/libvirtd --netns starts one inside a namespace)")
    dest_uri = source.uri if to in ("local", source.uri) else to
    dest = source if dest_uri == source.uri else LibvirtBackend(dest_uri, source.state_dir)
    started = time.monotonic()
    meta = source.metadata(name)
    src_dom = source._domain(name)
    state = source.inspect(name).state
    if state != "running":
        raise PartitionStateError(f"cannot migrate {name}: it is {state}")
    folder = Path(meta.get("folder") or source.state_dir / name)
    source_arch = meta.get("arch", "x86_64")
    code = image.extract(Path(meta.get("boot-image") or folder / BOOT_IMAGE))
    program_mib = int(meta.get("program-memory-mib") or meta.get("memory-mib") or 8)
    generation = int(meta.get("generation") or 1) + 1
    accel_name = meta.get("accel") or "auto"
    conn = dest.connection()                            # unreachable: fail before the program pauses
    lv = dest._lib()
    with contextlib.suppress(lv.libvirtError):          # a libvirtd probes an emulator on first use
        conn.getDomainCapabilities(None, arch, qemu.resolve_machine(arch, None),   # (seconds): not in the pause
                                   "kvm" if accel_name == "kvm" else "qemu", 0)
    log = folder / LV_CHANNEL_LOG
    where = f"{name} keeps running on {source.uri} ({source_arch})"
    waiting: _Waiting | None = None
    fallback: str | None = None
    try:
        waiting = _preboot_libvirt(dest, name, folder, code, arch, program_mib, generation, accel_name, timeout)
    except KeyboardInterrupt:
        raise MigrationError(f"migration of {name} interrupted and cancelled; {where}") from None
    except (UsageError, PartitionStateError, PartitionNotFound):
        raise
    except DriftError as e:
        fallback = str(e)                               # boot after the snapshot instead
    dom: Any = waiting.dom if waiting is not None else None
    try:
        taken = snapctl.take(name, backend=source)      # the program pauses here
    except BaseException as e:
        if waiting is not None:
            waiting.close()
            dest.discard(waiting.dom)
            dest.unprepare(folder, generation)
        if isinstance(e, KeyboardInterrupt):
            raise MigrationError(f"migration of {name} interrupted and cancelled; {where}") from None
        if isinstance(e, (SnapshotError, ChannelError, BackendError)):
            raise MigrationError(f"migration of {name} to {arch} on {dest_uri} failed: {e}; {where}") from None
        raise
    assert taken.info is not None
    snapped = time.monotonic()
    try:
        if waiting is not None:
            if len(taken.data) > waiting.room:
                raise SnapshotError(f"the snapshot ({len(taken.data)} bytes) is larger than expected")
            os.pwrite(waiting.fd, taken.data, waiting.offset)
            waiting.sock.sendall(b"\x1bgo\n")
            snapctl._drained(waiting.sock, time.monotonic() + 5)
            _wait_record(log, waiting.mark, b"\x1brestored", folder / LV_STDERR_LOG, time.monotonic() + timeout)
        else:
            memory = program_mib + len(taken.data) // snapctl.MIB + 4
            spec, stored = snapctl.restore_spec(taken.data, taken.info, arch=arch, name=name, memory_mib=memory,
                                                accel=accel_name, code=code)
            mark = log.stat().st_size
            dom = dest.boot(spec, join=folder, generation=generation, staging=True,
                            extra={"program-memory-mib": str(program_mib)})
            _wait_record(log, mark, b"\x1brestored", folder / LV_STDERR_LOG, time.monotonic() + timeout)
        resumed = time.monotonic()
    except BaseException as e:
        if waiting is not None:
            waiting.close()
        if dom is not None:
            dest.discard(dom)
            dest.unprepare(folder, generation)
        with contextlib.suppress(DriftError):
            taken.finish(stop=False)                    # the source goes on where it paused
        if isinstance(e, KeyboardInterrupt):
            raise MigrationError(f"migration of {name} interrupted and cancelled; {where}") from None
        if isinstance(e, DriftError) and not isinstance(e, (UsageError, PartitionStateError)):
            raise MigrationError(f"migration of {name} to {arch} on {dest_uri} failed: {e}; {where}") from None
        if isinstance(e, OSError):
            raise MigrationError(f"migration of {name} failed: {e}; {where}") from None
        raise
    # the destination runs the program: end the source (never resumed), make the destination the partition
    if waiting is not None:
        waiting.close()
    taken.sock.close()
    source.discard(src_dom)
    dest.promote(dom, name)
    old_tag = f".{generation - 1}" if generation > 2 else ""
    for leftover in (meta.get("boot-image") or str(folder / BOOT_IMAGE), str(folder / f"snapshot{old_tag}.dsnap"),
                     meta.get("channel-socket") or str(folder / f"channel{old_tag}.sock")):
        with contextlib.suppress(OSError):
            os.unlink(leftover)
    return XMigrationReport(
        name=name, status="completed", source_arch=source_arch, dest_arch=arch, source_host=source.uri,
        dest_host=dest_uri, pause_ms=round((resumed - taken.pause_start) * 1000, 1),
        snapshot_bytes=len(taken.data), live_heap_bytes=taken.info.heap_bytes,
        snapshot_ms=round((snapped - taken.pause_start) * 1000, 1), restore_ms=round((resumed - snapped) * 1000, 1),
        wall_ms=round((time.monotonic() - started) * 1000, 1),
        dest_boot="before-pause" if waiting is not None else "after-snapshot", fallback=fallback)
