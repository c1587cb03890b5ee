"""The ``drift`` command: a thin layer over the ``runtime`` package.

Exit status: a command's own failure exits with its :class:`DriftError`
code (sysexits); ``drift run`` otherwise exits with the program's status.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from . import accel, build, image, paths, qemu
from .errors import DriftError, ImageError

MACHINES = ("microvm", "q35")


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


def cmd_run(ns: argparse.Namespace) -> int:
    target = Path(ns.target)
    if not target.exists():
        raise ImageError(f"{target}: no such file")
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
                          memory_mib=ns.memory, append=append)
    if ns.print_cmdline:
        print(qemu.print_cmdline(cfg))
        return 0
    result = qemu.run(cfg, stdout=sys.stdout.buffer, stderr=sys.stderr.buffer, timeout=ns.timeout)
    return result.status


def cmd_dis(ns: argparse.Namespace) -> int:
    from .dis import disassemble

    sys.stdout.write(disassemble(_bytecode_of(Path(ns.file))))
    return 0


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
    r.add_argument("--machine", choices=MACHINES, default="microvm")
    r.add_argument("--arch", choices=build.ARCHES, default="x86_64")
    r.add_argument("--hosted", action="store_true", help="run in the hosted VM (drift-vm), no QEMU")
    r.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    r.add_argument("--append", action="append", metavar="WORD", help="kernel command line word (repeatable)")
    r.add_argument("--print-cmdline", action="store_true", help="print the QEMU command line and exit")
    r.add_argument("-v", "--verbose", action="store_true")
    r.set_defaults(func=cmd_run)

    d = sub.add_parser("dis", help="disassemble a program, bytecode file or image")
    d.add_argument("file")
    d.set_defaults(func=cmd_dis)
    return p


def main(argv: list[str] | None = None) -> int:
    ns = parser().parse_args(argv)
    try:
        code = ns.func(ns)
        assert isinstance(code, int)
        return code
    except DriftError as e:
        print(f"drift: {e}", file=sys.stderr)
        return e.exit_code
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
