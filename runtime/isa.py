"""The instruction set, read from ``guest/vm/opcodes.def``.

Instruction words are 32-bit: opcode in bits 0-7, A in 8-15, B in 16-23,
C in 24-31; Bx is bits 16-31, sBx = Bx - 32767, sJ is bits 8-31 signed.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import defs, paths

SBX_BIAS = 32767
BX_MAX = 0xFFFF
SJ_MIN = -(1 << 23)
SJ_MAX = (1 << 23) - 1


@dataclass(frozen=True)
class Op:
    """One opcode: its number, name, encoding format and operand kinds."""

    code: int
    name: str
    fmt: str  # ABC | ABx | AsBx | sJ
    kinds: tuple[str, str, str]
    doc: str


def _load() -> dict[str, Op]:
    table: dict[str, Op] = {}
    for macro, args in defs.read(paths.OPCODES_DEF):
        if macro != "OP":
            raise ValueError(f"opcodes.def: unexpected macro {macro}")
        name, fmt, a, b, c, doc = args
        table[name] = Op(len(table), name, fmt, (a, b, c), doc)
    return table


OPS: dict[str, Op] = _load()
BY_CODE: list[Op] = sorted(OPS.values(), key=lambda o: o.code)


def encode(name: str, a: int = 0, b: int = 0, c: int = 0) -> int:
    """Encode one instruction word.

    For ABx/AsBx formats ``b`` is Bx/sBx; for sJ, ``a`` is the jump offset.

    Raises:
        ValueError: an operand does not fit its field.
    """
    op = OPS[name]
    if op.fmt == "sJ":
        if not SJ_MIN <= a <= SJ_MAX:
            raise ValueError(f"{name}: jump offset {a} out of range")
        return op.code | ((a & 0xFFFFFF) << 8)
    if not 0 <= a <= 255:
        raise ValueError(f"{name}: A={a} out of range")
    if op.fmt == "ABC":
        if not (0 <= b <= 255 and 0 <= c <= 255):
            raise ValueError(f"{name}: B={b} C={c} out of range")
        return op.code | (a << 8) | (b << 16) | (c << 24)
    bx = b + SBX_BIAS if op.fmt == "AsBx" else b
    if not 0 <= bx <= BX_MAX:
        raise ValueError(f"{name}: Bx={b} out of range")
    return op.code | (a << 8) | (bx << 16)


def decode(word: int) -> tuple[Op, int, int, int]:
    """Decode a word into (op, a, b, c) with b = Bx/sBx and a = sJ where applicable.

    Raises:
        IndexError: unknown opcode.
    """
    op = BY_CODE[word & 0xFF]
    if op.fmt == "sJ":
        sj = (word >> 8) & 0xFFFFFF
        return op, sj - (1 << 24) if sj & 0x800000 else sj, 0, 0
    a = (word >> 8) & 0xFF
    if op.fmt == "ABC":
        return op, a, (word >> 16) & 0xFF, (word >> 24) & 0xFF
    bx = (word >> 16) & 0xFFFF
    return op, a, bx - SBX_BIAS if op.fmt == "AsBx" else bx, 0
