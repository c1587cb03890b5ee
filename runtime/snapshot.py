"""Reader of VM snapshots, laid out by ``guest/vm/snapshot.def`` (docs/snapshots.md).

The host never interprets the heap: it checks a snapshot's header (magic,
format version, size, checksum, the bytecode it belongs to) so that a bad
file is refused with a clear message before any guest boots, and describes
it.  The VM re-checks everything, down to each heap object, when it restores.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

from . import defs, paths
from .errors import SnapshotError

_STRUCT = {"u32": "I", "i32": "i", "u64": "Q", "b16": "16s", "b32": "32s"}

CONST: dict[str, int] = {}
SECTION: dict[str, int] = {}
ROOTS: dict[str, int] = {}
FIELDS: dict[str, list[tuple[str, str, int]]] = {}

for _macro, _args in defs.read(paths.SNAPSHOT_DEF):
    if _macro == "CONST":
        CONST[_args[0]] = defs.number(_args[1])
    elif _macro == "SECTION":
        SECTION[_args[0]] = defs.number(_args[1])
    elif _macro == "ROOT":
        ROOTS[_args[0]] = defs.number(_args[1])
    elif _macro == "FIELD":
        FIELDS.setdefault(_args[0], []).append((_args[1], _args[2], defs.number(_args[3])))
    else:
        raise ValueError(f"snapshot.def: unexpected macro {_macro}")

HEADER_SIZE = CONST["HEADER_SIZE"]


def _field(record: str, name: str) -> tuple[str, int]:
    for n, typ, off in FIELDS[record]:
        if n == name:
            return _STRUCT[typ], off
    raise KeyError(f"{record} has no field {name}")


def get(data: bytes, name: str) -> int | bytes:
    """One header field by name (bytes for b16/b32 fields)."""
    fmt, off = _field("HDR", name)
    value: int | bytes = struct.unpack_from("<" + fmt, data, off)[0]
    return value


def put(data: bytearray, name: str, value: int | bytes) -> None:
    """Set one header field by name (tests forge snapshots with it)."""
    fmt, off = _field("HDR", name)
    struct.pack_into("<" + fmt, data, off, value)


def checksum(data: bytes) -> bytes:
    """The SHA-256 the header's checksum field should hold."""
    _, off = _field("HDR", "checksum")
    return hashlib.sha256(data[:off] + bytes(32) + data[off + 32:]).digest()


def seal(data: bytes) -> bytes:
    """``data`` with its checksum recomputed (for tests that forge snapshots)."""
    buf = bytearray(data)
    put(buf, "checksum", checksum(data))
    return bytes(buf)


@dataclass(frozen=True)
class Snapshot:
    """What the header of a valid snapshot says."""

    size: int
    version: int
    arch: str
    code_sha256: str
    clock_ns: int
    frames: int
    registers: int
    heap_bytes: int
    channel_pending: int
    gc_count: int

    def describe(self) -> dict[str, int | str]:
        """For ``--json`` output."""
        return {"snapshot_bytes": self.size, "format_version": self.version, "writer_arch": self.arch,
                "code_sha256": self.code_sha256, "clock_ns": self.clock_ns, "frames": self.frames,
                "registers": self.registers, "live_heap_bytes": self.heap_bytes,
                "channel_pending": self.channel_pending, "gc_count": self.gc_count}


def check(data: bytes, code: bytes | None = None) -> Snapshot:
    """Check a snapshot's header, checksum and (with ``code``) that it belongs to that bytecode.

    Raises:
        SnapshotError: not a snapshot, another format version, truncated, corrupt,
            or a snapshot of another program.
    """
    if len(data) < 8 or get(data, "magic") != CONST["MAGIC"]:
        raise SnapshotError("not a Drift snapshot (bad magic)")
    version = int(get(data, "version"))
    if version != CONST["VERSION"]:
        raise SnapshotError(f"snapshot format version {version} is not supported "
                            f"(this Drift reads version {CONST['VERSION']})")
    if len(data) < HEADER_SIZE:
        raise SnapshotError(f"snapshot is truncated ({len(data)} bytes, shorter than its {HEADER_SIZE}-byte header)")
    total = int(get(data, "total_size"))
    if total != len(data):
        what = "truncated" if len(data) < total else "longer than its header says"
        raise SnapshotError(f"snapshot is {what} ({len(data)} bytes, header says {total})")
    if checksum(data) != get(data, "checksum"):
        raise SnapshotError("snapshot checksum mismatch: the file is corrupt")
    digest = bytes(get(data, "code_sha256")).hex()
    if code is not None and hashlib.sha256(code).hexdigest() != digest:
        raise SnapshotError("snapshot belongs to another program (its bytecode hash differs from this image's)")
    arch = bytes(get(data, "arch")).rstrip(b"\0").decode("ascii", "replace")
    return Snapshot(size=total, version=version, arch=arch, code_sha256=digest,
                    clock_ns=int(get(data, "clock_ns")), frames=int(get(data, "nframes")),
                    registers=int(get(data, "nregs")), heap_bytes=int(get(data, "heap_bytes")),
                    channel_pending=int(get(data, "chan_pending")), gc_count=int(get(data, "gc_count")))


def read(path: Path, code: bytes | None = None) -> tuple[bytes, Snapshot]:
    """Read and check a snapshot file.  Raises SnapshotError (also when unreadable)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SnapshotError(f"cannot read snapshot {path}: {e.strerror}") from None
    return data, check(data, code)
