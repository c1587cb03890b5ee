"""The ``drift`` command: a thin layer over the ``runtime`` package.

Exit status: a command's own failure exits with its :class:`DriftError`
code (sysexits); ``drift run`` otherwise exits with the program's status.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import accel, build, cgroups, image, paths, qemu
from .errors import ChannelError, DriftError, ImageError, ToolMissingError, UsageError

if TYPE_CHECKING:
    from .api import Partition
    from .backend import Backend, PartitionInfo


def _out_path(app: Path, given: str | None, suffix: str) -> Path:
    return Path(given) if given else app.with_suffix(suffix)


def cmd_compile(ns: argparse.Namespace) -> int:
    app = Path(ns.app)
    code, _ = build.compile_path(app)
    out = _out_path(app, ns.output, ".dbc")
    out.write_bytes(code)
    if ns.json:
        print(json.dumps({"output": str(out), "bytes": len(code), "sha256": hashlib.sha256(code).hexdigest()}))
    return 0


def _build(app: Path, out: Path, arch: str, memory: int) -> image.Manifest:
    code, src_hash = build.compile_path(app)
    return image.build_image(build.kernel(arch), code, out, source_name=app.name,
                             source_sha256=src_hash, arch=arch, memory_mib=memory)


def cmd_build(ns: argparse.Namespace) -> int:
    app, settings = build.app_source(Path(ns.app))
    arch = ns.arch or str(settings.get("arch", "x86_64"))
    memory = ns.memory or int(str(settings.get("memory_mib", build.DEFAULT_MEMORY_MIB)))
    out = _out_path(app, ns.output, ".elf")
    manifest = _build(app, out, arch, memory)
    if ns.json:
        print(json.dumps(dataclasses.asdict(manifest), indent=2, default=str))
    else:
        print(f"built {out} ({manifest.image_size} bytes, {arch}, {memory} MiB)", file=sys.stderr)
    return 0


def _image_for(target: Path, arch: str, memory: int) -> Path:
    """An image for ``drift run``: the target itself, or one built from a .py into the cache."""
    if target.suffix != ".py":
        return target
    digest = hashlib.sha256(target.read_bytes() + arch.encode()).hexdigest()[:16]
    out = paths.BUILD / "cache" / f"{target.stem}-{digest}.elf"
    if not out.exists() or image.load_manifest(out) is None:
        out.parent.mkdir(parents=True, exist_ok=True)
        _build(target, out, arch, memory)
    return out


def _bytecode_of(target: Path) -> bytes:
    """The bytecode of a program (.py, compiled), a bytecode file (.dbc) or an image."""
    if target.suffix == ".py":
        return build.compile_path(target)[0]
    if target.suffix == ".dbc":
        return target.read_bytes()
    return image.extract(target)


def _run_hosted(target: Path, memory: int) -> int:
    vm = build.hosted_vm()
    code = _bytecode_of(target)
    with tempfile.NamedTemporaryFile(suffix=".dbc") as f:
        f.write(code)
        f.flush()
        sys.stdout.flush()
        return subprocess.run([str(vm), "--memory", str(memory), f.name]).returncode


def _check_detach_options(ns: argparse.Namespace) -> None:
    """Check the options of ``drift run`` before anything is done.

    Raises:
        UsageError: options that only go with (or never with) --detach; an
            invalid --name or CPU limits.
    """
    if ns.detach and (ns.hosted or ns.print_cmdline or ns.timeout is not None):
        raise UsageError("--detach does not go with --hosted, --print-cmdline or --timeout")
    only_detached = {"--name": ns.name, "--cpu-min": ns.cpu_min, "--cpu-max": ns.cpu_max,
                     "--cpu-burst": ns.cpu_burst, "--json": ns.json or None,
                     "--connect": ns.connect, "--backend": ns.backend, "--host": ns.host}
    given = [flag for flag, value in only_detached.items() if value is not None]
    if not ns.detach and given:
        raise UsageError(f"{', '.join(given)}: only with --detach (a partition in the background)")
    if ns.detach:
        from .backend import validate_name

        if ns.name is not None:
            validate_name(ns.name)
        cgroups.validate(cgroups.CpuLimits(ns.cpu_min, ns.cpu_max, ns.cpu_burst))


def _run_detached(ns: argparse.Namespace, target: Path) -> int:
    from . import hosts
    from .api import Partition

    img = _image_for(target, ns.arch, ns.memory or build.DEFAULT_MEMORY_MIB)
    partition = Partition.run(img, name=ns.name, memory_mib=ns.memory, cpus=ns.cpus, accel=ns.accel,
                              machine=ns.machine, append=" ".join(ns.append or []), cpu_min=ns.cpu_min,
                              cpu_max=ns.cpu_max, cpu_burst=ns.cpu_burst, backend=_backend(ns),
                              host=hosts.parse(ns.host) if ns.host is not None else None)
    if ns.json:
        print(json.dumps(partition.info().to_json(), indent=2))
    else:
        print(partition.name)
    return 0


def cmd_run(ns: argparse.Namespace) -> int:
    target = Path(ns.target)
    _check_detach_options(ns)
    if not target.exists():
        raise ImageError(f"{target}: no such file")
    if ns.detach:
        return _run_detached(ns, target)
    if ns.hosted:
        return _run_hosted(target, ns.memory or 256)
    img = _image_for(target, ns.arch, ns.memory or build.DEFAULT_MEMORY_MIB)
    manifest = image.verify(img)
    ns.memory = ns.memory or manifest.memory_mib
    resolved = accel.resolve(ns.accel, manifest.arch)
    if ns.verbose:
        print(f"drift: accel {resolved}: {accel.reason(ns.accel, manifest.arch)}", file=sys.stderr)
    append = " ".join(ns.append or [])
    cfg = qemu.QemuConfig(image=img, arch=manifest.arch, machine=ns.machine, accel=resolved,
                          memory_mib=ns.memory, append=append, cpus=ns.cpus)
    if ns.print_cmdline:
        print(qemu.print_cmdline(cfg))
        return 0
    result = qemu.run(cfg, stdout=sys.stdout.buffer, stderr=sys.stderr.buffer, timeout=ns.timeout)
    return result.status


def cmd_dis(ns: argparse.Namespace) -> int:
    from .dis import disassemble

    sys.stdout.write(disassemble(_bytecode_of(Path(ns.file))))
    return 0


# ---- partitions ---------------------------------------------------------------------


def _backend(ns: argparse.Namespace) -> Backend:
    """The backend chosen by --backend/--connect (``--connect`` alone means libvirt).

    Raises:
        UsageError: --connect with the direct backend.
        ToolMissingError: the libvirt backend cannot be loaded.
    """
    kind = ns.backend or ("libvirt" if ns.connect else "direct")
    if kind == "direct":
        if ns.connect:
            raise UsageError("--connect URI is for --backend libvirt")
        from .partition import DirectBackend

        return DirectBackend()
    try:
        module = importlib.import_module(".libvirt_backend", __package__)
    except ImportError as e:
        raise ToolMissingError(f"the libvirt backend cannot be loaded: {e}") from None
    backend: Backend = module.LibvirtBackend(ns.connect)
    return backend


def _partition(ns: argparse.Namespace) -> Partition:
    from .api import Partition

    return Partition(ns.name, _backend(ns))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def _status_text(info: PartitionInfo) -> str:
    """The STATUS column: the exit status and/or the reason."""
    parts = [f"exit {info.exit_status}"] if info.exit_status is not None else []
    if info.reason:
        parts.append(info.reason)
    return "; ".join(parts) or "-"


def cmd_ps(ns: argparse.Namespace) -> int:
    infos = _backend(ns).list()
    if ns.json:
        print(json.dumps([info.to_json() for info in infos], indent=2))
        return 0
    rows = [("NAME", "STATE", "UPTIME", "PID", "MEM", "ACCEL", "IMAGE", "STATUS")]
    rows += [(i.name, i.state, _duration(i.uptime_s), str(i.pid or "-"), f"{i.memory_mib}M", i.accel,
              Path(i.image).name, _status_text(i)) for i in infos]
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0


def cmd_inspect(ns: argparse.Namespace) -> int:
    info = _partition(ns).info()
    data = info.to_json()
    if ns.json:
        print(json.dumps(data, indent=2))
        return 0
    extra = data.pop("extra")
    data["started_at"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.started_at))
    data["uptime_s"] = _duration(info.uptime_s)
    if isinstance(extra, dict):
        data.update(extra)
    for key, value in data.items():
        print(f"{key + ':':14}{'-' if value is None else value}")
    return 0


def cmd_logs(ns: argparse.Namespace) -> int:
    _partition(ns).copy_logs(sys.stdout.buffer, sys.stderr.buffer, follow=ns.follow)
    return 0


def cmd_pause(ns: argparse.Namespace) -> int:
    _partition(ns).pause()
    return 0


def cmd_resume(ns: argparse.Namespace) -> int:
    _partition(ns).resume()
    return 0


def cmd_stop(ns: argparse.Namespace) -> int:
    _partition(ns).stop(ns.timeout)
    return 0


def cmd_kill(ns: argparse.Namespace) -> int:
    _partition(ns).kill()
    return 0


def cmd_rm(ns: argparse.Namespace) -> int:
    _partition(ns).remove(force=ns.force)
    return 0


def cmd_send(ns: argparse.Namespace) -> int:
    _partition(ns).send(ns.message, timeout=ns.timeout)
    return 0


def cmd_recv(ns: argparse.Namespace) -> int:
    message = _partition(ns).recv(wait=ns.wait)
    if message is None:
        within = f" within {ns.wait:g} s" if ns.wait else " (use --wait SECONDS to wait for one)"
        raise ChannelError(f"no unread message from {ns.name}{within}")
    print(message)
    return 0


def cmd_request(ns: argparse.Namespace) -> int:
    print(_partition(ns).request(ns.message, timeout=ns.timeout))
    return 0


def _progress_bar(name: str, to: str) -> Callable[[Mapping[str, Any]], None]:
    """A one-line progress display on stderr for ``drift migrate`` (a terminal only)."""

    def show(info: Mapping[str, Any]) -> None:
        ram: Mapping[str, Any] = info.get("ram") or {}
        total, done = int(ram.get("total") or 0), int(ram.get("transferred") or 0)
        left = int(ram.get("remaining") or 0)
        fraction = 1.0 if info.get("status") == "completed" else (total - left) / total if total else 0.0
        bar = "#" * round(fraction * 20)
        passes = max(int(info.get("passes") or 0), int(ram.get("dirty-sync-count") or 0))
        print(f"\rmigrating {name} to {to}: [{bar:20}] {fraction:4.0%} {done / 2**20:.1f} MiB sent, "
              f"pass {passes}, {info.get('status')}   ", end="", file=sys.stderr, flush=True)

    return show


def cmd_migrate(ns: argparse.Namespace) -> int:
    from . import hosts, migrate
    from .partition import DirectBackend

    libvirt = ns.backend == "libvirt" or bool(ns.connect)
    if ns.cancel:
        if ns.to is not None:
            raise UsageError("drift migrate --cancel takes no --to")
        if libvirt:
            from . import libvirt_migrate
            from .libvirt_backend import LibvirtBackend
            print(libvirt_migrate.cancel(LibvirtBackend(ns.connect), ns.name))
        else:
            print(migrate.cancel(ns.name, backend=DirectBackend()))
        return 0
    if ns.to is None:
        raise UsageError("drift migrate needs --to HOST (or --cancel)")
    if ns.arch is not None or ns.snapshot:
        return _xmigrate(ns)
    options = migrate.MigrateOptions(downtime_limit_ms=ns.downtime_limit, bandwidth_mib_s=ns.bandwidth,
                                     timeout_s=ns.timeout, postcopy=ns.postcopy, multifd_channels=ns.multifd,
                                     xbzrle=ns.xbzrle or ns.xbzrle_cache is not None,
                                     xbzrle_cache_mib=ns.xbzrle_cache or 64, auto_converge=ns.auto_converge)
    progress = _progress_bar(ns.name, ns.to) if sys.stderr.isatty() and not ns.json else None
    try:
        if libvirt:
            from . import libvirt_migrate
            from .libvirt_backend import LibvirtBackend
            report = libvirt_migrate.migrate(LibvirtBackend(ns.connect), ns.name, ns.to, options, progress=progress)
        else:
            report = migrate.migrate(ns.name, hosts.parse(ns.to), options, backend=DirectBackend(),
                                     progress=progress)
    finally:
        if progress is not None:
            print(file=sys.stderr)
    if ns.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(f"migrated {ns.name} from {report.source_host} to {report.dest_host}: downtime {report.downtime_ms} ms, "
              f"total {report.total_ms} ms, {(report.transferred_bytes or 0) / 2**20:.1f} MiB")
    return 0


def _xmigrate(ns: argparse.Namespace) -> int:
    from . import xmigrate

    backend = _backend(ns)
    arch = ns.arch or backend.inspect(ns.name).arch
    report = xmigrate.migrate_arch(ns.name, ns.to, arch, backend=backend)
    if ns.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(f"{ns.name}: {report.source_arch} -> {report.dest_arch} on {report.dest_host}, "
              f"paused {report.pause_ms:.0f} ms, snapshot {report.snapshot_bytes} bytes", file=sys.stderr)
    return 0


def cmd_snapshot(ns: argparse.Namespace) -> int:
    from . import snapctl

    taken = snapctl.take(ns.name, timeout=ns.timeout, backend=_backend(ns))
    out = Path(ns.output)
    try:
        out.write_bytes(taken.data)
    except OSError as e:
        snapctl.with_resume(taken.sock)
        raise UsageError(f"cannot write {out}: {e.strerror}") from None
    pause = taken.finish(stop=ns.stop)
    assert taken.info is not None
    if ns.json:
        print(json.dumps({"output": str(out), "stopped": ns.stop, "pause_ms": round(pause * 1000, 1),
                          **taken.info.describe()}, indent=2))
    else:
        print(f"{out}: {len(taken.data)} bytes ({taken.info.heap_bytes} live heap), program paused "
              f"{pause * 1000:.0f} ms{', then stopped' if ns.stop else ''}", file=sys.stderr)
    return 0


def cmd_restore(ns: argparse.Namespace) -> int:
    from . import hosts, snapctl
    from .api import Partition

    backend = _backend(ns)
    host = hosts.parse(ns.to) if ns.to is not None else None
    code = _bytecode_of(Path(ns.image)) if ns.image else None
    name, info = snapctl.restore(Path(ns.file), arch=ns.arch, name=ns.name, memory_mib=ns.memory,
                                 accel=ns.accel, code=code, backend=backend, host=host)
    if ns.detach:
        print(name)
        return 0
    p = Partition(name, backend)
    p.copy_logs(sys.stdout.buffer, sys.stderr.buffer, follow=True)
    end = p.wait()
    p.remove(force=True)
    return end.exit_status if end.exit_status is not None else 1


def cmd_hosts(ns: argparse.Namespace) -> int:
    from . import hosts

    found = [h.to_json() for h in hosts.configured()]
    if ns.json:
        print(json.dumps(found, indent=2))
        return 0
    for h in found:
        print(f"{h['host']:24} {h['address'] or '-'}")
    return 0


def _backend_options() -> argparse.ArgumentParser:
    """--backend and --connect, shared by every partition command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--backend", choices=("direct", "libvirt"), default=None,
                        help="where partitions run (default direct; --connect implies libvirt)")
    common.add_argument("--connect", metavar="URI", default=None, help="libvirt URI (e.g. qemu:///system)")
    return common


def _partition_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    common = _backend_options()

    def add(name: str, help_text: str, func: object, *, named: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, parents=[common])
        if named:
            p.add_argument("name", metavar="NAME")
        p.set_defaults(func=func)
        return p

    add("ps", "list partitions", cmd_ps, named=False).add_argument("--json", action="store_true")
    add("inspect", "show one partition", cmd_inspect).add_argument("--json", action="store_true")
    add("logs", "print a partition's stdout (and its stderr on stderr)", cmd_logs).add_argument(
        "-f", "--follow", action="store_true", help="keep printing until the partition ends")
    add("pause", "stop a partition's CPUs", cmd_pause)
    add("resume", "restart a paused partition's CPUs", cmd_resume)
    add("stop", "stop a partition gracefully (QMP quit; SIGKILL after --timeout)", cmd_stop).add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS")
    add("kill", "kill a partition at once (SIGKILL)", cmd_kill)
    add("rm", "remove an ended partition", cmd_rm).add_argument(
        "-f", "--force", action="store_true", help="kill it first if it runs")
    for name, help_text, func in (("send", "send a message on the partition's channel", cmd_send),
                                  ("request", "send a message and print the answer", cmd_request)):
        p = add(name, help_text, func)
        p.add_argument("message", metavar="MESSAGE")
        p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS")
    add("recv", "print the next unread message the program sent", cmd_recv).add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS", help="wait this long for one (default: do not wait)")
    m = add("migrate", "live-migrate a running partition to another QEMU (docs/migration.md)", cmd_migrate)
    m.add_argument("--to", metavar="HOST", help="local, netns:NAME or ssh:NAME|[USER@]HOST[:PORT] (see drift hosts); "
                   "for a libvirt partition (--connect SRC) the destination libvirtd's URI, e.g. "
                   "qemu+tcp://10.77.0.2/system (with --arch: local, or a URI this host can open)")
    m.add_argument("--arch", choices=image.ARCH_MACHINES, default=None,
                   help="move to this CPU architecture through a VM snapshot (docs/snapshots.md)")
    m.add_argument("--snapshot", action="store_true",
                   help="move through a VM snapshot even to the same architecture (implied by another --arch)")
    m.add_argument("--cancel", action="store_true",
                   help="cancel the migration of NAME that another drift process runs (the source keeps running)")
    m.add_argument("--json", action="store_true", help="print the report as JSON")
    m.add_argument("--downtime-limit", type=int, default=50, metavar="MS",
                   help="the longest the guest may be stopped (QEMU downtime-limit; default 50)")
    m.add_argument("--bandwidth", type=float, default=None, metavar="MiB/s",
                   help="cap the migration stream (QEMU max-bandwidth; default unlimited)")
    m.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="cancel if not complete by then (default: no limit)")
    m.add_argument("--postcopy", action="store_true",
                   help="switch to the destination after the first pass; it fetches the rest on demand")
    m.add_argument("--multifd", type=int, default=None, metavar="N", help="send RAM over N parallel channels")
    m.add_argument("--xbzrle", action="store_true", help="send re-dirtied pages as deltas (XBZRLE)")
    m.add_argument("--xbzrle-cache", type=int, default=None, metavar="MiB",
                   help="XBZRLE cache size (implies --xbzrle; default 64)")
    m.add_argument("--auto-converge", action="store_true",
                   help="throttle the guest's CPU if it dirties memory faster than it is sent")
    sn = add("snapshot", "write a portable VM snapshot of a running partition (docs/snapshots.md)", cmd_snapshot)
    sn.add_argument("-o", "--output", required=True, metavar="FILE")
    sn.add_argument("--stop", action="store_true", help="stop the program after the snapshot (status SNAPSTOP)")
    sn.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                    help="how long to wait for the program to reach a safe point")
    sn.add_argument("--json", action="store_true")
    rs = sub.add_parser("restore", help="boot a partition that resumes a program from a snapshot")
    rs.add_argument("file", metavar="FILE")
    rs.add_argument("--arch", choices=image.ARCH_MACHINES, default=None,
                    help="architecture to resume on (default: the one that wrote it)")
    rs.add_argument("--name", default=None, help="partition name (default: FILE's stem + -restored)")
    rs.add_argument("--to", metavar="HOST", default=None,
                    help="local (default), netns:NAME or ssh:...; a libvirt partition runs on --connect's libvirtd")
    rs.add_argument("--image", default=None, metavar="IMAGE|PROGRAM",
                    help="the program (image, .dbc or .py) if this machine has not seen it")
    rs.add_argument("--memory", type=int, default=None, metavar="MiB")
    rs.add_argument("--accel", default="auto")
    rs.add_argument("-d", "--detach", action="store_true", help="start it in the background and print its name")
    rs.add_argument("--backend", choices=("direct", "libvirt"), default=None,
                    help="where it runs (default direct; --connect implies libvirt)")
    rs.add_argument("--connect", metavar="URI", default=None, help="libvirt URI; implies libvirt")
    rs.set_defaults(func=cmd_restore)
    h = sub.add_parser("hosts", help="list the hosts partitions can be migrated to")
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=cmd_hosts)


def _run_partition_options(r: argparse.ArgumentParser) -> None:
    """The options of ``drift run --detach``."""
    r.add_argument("-d", "--detach", action="store_true", help="run as a partition in the background")
    r.add_argument("--name", default=None, help="the partition's name (--detach; default: IMAGE-<random>)")
    r.add_argument("--cpus", type=int, default=1, metavar="N", help="virtual CPUs (-smp N)")
    for which in ("min", "max", "burst"):
        r.add_argument(f"--cpu-{which}", type=int, default=None, metavar="PERCENT",
                       help=f"cgroup v2 CPU {which} in percent of one CPU (--detach)")
    r.add_argument("--backend", choices=("direct", "libvirt"), default=None, help="(--detach) default direct")
    r.add_argument("--connect", metavar="URI", default=None, help="(--detach) libvirt URI; implies libvirt")
    r.add_argument("--host", metavar="HOST", default=None,
                   help="(--detach) where QEMU runs: local, netns:NAME or ssh:NAME|[USER@]HOST[:PORT] "
                   "(see drift hosts)")
    r.add_argument("--json", action="store_true", help="(--detach) print the partition as JSON")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="drift", description="Build Python programs into OS-less appliances and run them.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("compile", help="compile a program to bytecode (.dbc)")
    c.add_argument("app")
    c.add_argument("-o", "--output")
    c.add_argument("--json", action="store_true", help="print a JSON summary")
    c.set_defaults(func=cmd_compile)

    b = sub.add_parser("build", help="build a bootable image (.elf) from a program")
    b.add_argument("app", help="APP.py, or an appliance folder with a drift.toml")
    b.add_argument("-o", "--output")
    b.add_argument("--arch", choices=build.ARCHES, default=None, help="default: the manifest's, else x86_64")
    b.add_argument("--memory", type=int, default=None, metavar="MiB",
                   help=f"guest memory recorded in the manifest (default {build.DEFAULT_MEMORY_MIB})")
    b.add_argument("--json", action="store_true", help="print the manifest as JSON")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("run", help="boot an image (or a .py, built on the fly) in the foreground")
    r.add_argument("target", help="IMAGE.elf or APP.py (or APP.dbc with --hosted)")
    r.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto")
    r.add_argument("--memory", type=int, default=None, metavar="MiB",
                   help="guest memory (default: the image manifest's; hosted: 256)")
    r.add_argument("--machine", choices=qemu.MACHINES, default=None,
                   help="default: microvm for x86_64, virt for aarch64")
    r.add_argument("--arch", choices=build.ARCHES, default="x86_64")
    r.add_argument("--hosted", action="store_true", help="run in the hosted VM (drift-vm), no QEMU")
    r.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    r.add_argument("--append", action="append", metavar="WORD", help="kernel command line word (repeatable)")
    r.add_argument("--print-cmdline", action="store_true", help="print the QEMU command line and exit")
    r.add_argument("-v", "--verbose", action="store_true")
    _run_partition_options(r)
    r.set_defaults(func=cmd_run)

    d = sub.add_parser("dis", help="disassemble a program, bytecode file or image")
    d.add_argument("file")
    d.set_defaults(func=cmd_dis)

    _partition_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["_host-agent"]:          # the remote half of an ssh host (runtime/sshhost.py), not for users
        from . import sshhost
        return sshhost.agent_main(args[1:])
    ns = parser().parse_args(argv)
    try:
        code = ns.func(ns)
        assert isinstance(code, int)
        return code
    except DriftError as e:
        print(f"drift: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:                  # e.g. `drift ps | head`: the reader left, not an error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:
        print(f"drift: {e}", file=sys.stderr)
        return 66
    except KeyboardInterrupt:
        return 130


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    entry()
