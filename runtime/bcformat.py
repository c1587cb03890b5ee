"""Writer and reader of the bytecode file format, laid out by ``guest/vm/format.def``."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field

from . import defs, paths
from .errors import ImageError

_STRUCT = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q", "i64": "q", "f64": "d", "b32": "32s"}

CONST: dict[str, int] = {}
SECTION: dict[str, int] = {}
CTAG: dict[str, int] = {}
FIELDS: dict[str, list[tuple[str, str, int]]] = {}

for _macro, _args in defs.read(paths.FORMAT_DEF):
    if _macro == "CONST":
        CONST[_args[0]] = defs.number(_args[1])
    elif _macro == "SECTION":
        SECTION[_args[0]] = defs.number(_args[1])
    elif _macro == "CTAG":
        CTAG[_args[0]] = defs.number(_args[1])
    elif _macro == "FIELD":
        FIELDS.setdefault(_args[0], []).append((_args[1], _args[2], defs.number(_args[3])))
    else:
        raise ValueError(f"format.def: unexpected macro {_macro}")

_SIZES = {"HDR": CONST["HEADER_SIZE"], "SEC": CONST["SECTION_SIZE"],
          "FUNC": CONST["FUNC_SIZE"], "LINE": CONST["LINE_SIZE"], "EXC": CONST["EXC_SIZE"]}


def pack(record: str, **values: int | bytes) -> bytes:
    """Pack one record (HDR, SEC, FUNC, LINE) by field name; missing fields are 0."""
    buf = bytearray(_SIZES[record])
    for name, typ, off in FIELDS[record]:
        struct.pack_into("<" + _STRUCT[typ], buf, off, values.pop(name, b"" if typ == "b32" else 0))
    if values:
        raise KeyError(f"{record} has no field(s) {sorted(values)}")
    return bytes(buf)


def unpack(record: str, data: bytes, offset: int = 0) -> dict[str, int]:
    """Unpack the integer fields of one record at ``offset`` (byte fields: :func:`field_bytes`)."""
    return {name: int(struct.unpack_from("<" + _STRUCT[typ], data, offset + off)[0])
            for name, typ, off in FIELDS[record] if typ != "b32"}


def field_bytes(record: str, name: str, data: bytes, offset: int = 0) -> bytes:
    """The raw bytes of a byte-string field (e.g. the header's sha256)."""
    for n, typ, off in FIELDS[record]:
        if n == name:
            size = struct.calcsize("<" + _STRUCT[typ])
            return data[offset + off:offset + off + size]
    raise KeyError(f"{record} has no field {name}")


@dataclass
class Function:
    """One compiled function."""

    name: int  # string index
    code: list[int]
    nparams: int
    nregs: int
    first_line: int
    lines: list[tuple[int, int]] = field(default_factory=list)  # (pc, line)
    flags: int = 0  # FFLAG_* of format.def
    nkwonly: int = 0
    nposonly: int = 0  # the first nposonly parameters are positional-only
    names: list[int] = field(default_factory=list)  # string indices: names of registers 0..
    nfree: int = 0
    qualname: int = -1  # string index; -1: same as name
    exc: list[tuple[int, int, int, int]] = field(default_factory=list)  # (start, end, handler, reg)


@dataclass
class Program:
    """Everything a .dbc file holds."""

    strings: list[bytes]
    consts: list[tuple[int, int]]  # (tag, u64 payload)
    functions: list[Function]
    globals: list[int]  # string indices
    entry: int
    filename: int


def _align(n: int, a: int = 8) -> int:
    return (n + a - 1) & ~(a - 1)


def write(p: Program) -> bytes:
    """Serialise a program to the bytecode file format."""
    strings = b"".join(struct.pack("<I", len(s)) + s + b"\0" * (_align(len(s), 4) - len(s))
                       for s in p.strings)
    consts = b"".join(struct.pack("<B7xQ", tag, payload & 0xFFFFFFFFFFFFFFFF) for tag, payload in p.consts)
    code: list[int] = []
    lines: list[tuple[int, int]] = []
    excs: list[tuple[int, int, int, int]] = []
    funcs = b""
    names: list[int] = []
    for f in p.functions:
        funcs += pack("FUNC", name=f.name, code_start=len(code), code_len=len(f.code),
                      nparams=f.nparams, nregs=f.nregs, line_start=len(lines),
                      line_count=len(f.lines), first_line=f.first_line, flags=f.flags,
                      nkwonly=f.nkwonly, nposonly=f.nposonly, exc_start=len(excs), exc_count=len(f.exc),
                      names=len(names), nnames=len(f.names), nfree=f.nfree,
                      qualname=f.name if f.qualname < 0 else f.qualname)
        code += f.code
        lines += f.lines
        excs += f.exc
        names += f.names
    sections = [
        ("STRINGS", strings, len(p.strings)),
        ("CONSTS", consts, len(p.consts)),
        ("FUNCS", funcs, len(p.functions)),
        ("CODE", struct.pack(f"<{len(code)}I", *code), len(code)),
        ("LINES", b"".join(pack("LINE", pc=pc, line=ln) for pc, ln in lines), len(lines)),
        ("GLOBALS", struct.pack(f"<{len(p.globals)}I", *p.globals), len(p.globals)),
        ("EXCTAB", b"".join(pack("EXC", start=s, end=e, handler=h, reg=r) for s, e, h, r in excs), len(excs)),
        ("NAMES", struct.pack(f"<{len(names)}I", *names), len(names)),
    ]
    hsize = CONST["HEADER_SIZE"]
    offset = _align(hsize + CONST["SECTION_SIZE"] * len(sections))
    table = b""
    body = b""
    for kind, data, count in sections:
        table += pack("SEC", kind=SECTION[kind], offset=offset + len(body), size=len(data), count=count)
        body += data + b"\0" * (_align(len(data)) - len(data))
    after = table + b"\0" * (offset - hsize - len(table)) + body
    header = pack("HDR", magic=CONST["MAGIC"], version=CONST["VERSION"], header_size=hsize,
                  file_size=hsize + len(after), nsections=len(sections), entry=p.entry,
                  filename=p.filename, sha256=hashlib.sha256(after).digest())
    return header + after


def check_header(data: bytes) -> dict[str, int]:
    """Check a bytecode file's header and hash (the guest re-checks everything).

    Raises:
        ImageError: not a Drift bytecode file, another version, or corrupt.
    """
    if len(data) < CONST["HEADER_SIZE"]:
        raise ImageError("bytecode file is truncated (shorter than its header)")
    hdr = unpack("HDR", data)
    if hdr["magic"] != CONST["MAGIC"]:
        raise ImageError("not a Drift bytecode file (bad magic)")
    if hdr["version"] != CONST["VERSION"]:
        raise ImageError(f"bytecode version {hdr['version']} is not supported (this Drift reads {CONST['VERSION']})")
    if hdr["file_size"] != len(data):
        raise ImageError(f"bytecode file size {len(data)} does not match its header ({hdr['file_size']})")
    if hashlib.sha256(data[CONST["HEADER_SIZE"]:]).digest() != field_bytes("HDR", "sha256", data):
        raise ImageError("bytecode checksum mismatch: the file is corrupt")
    return hdr
