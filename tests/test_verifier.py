"""Security: malformed and hostile bytecode is rejected by the loader and
verifier with a clear message (status BADCODE), never a crash."""

from __future__ import annotations

import ast
import hashlib
import random
import signal
import struct
import subprocess
from pathlib import Path

import pytest

from runtime import bcformat, isa
from runtime.compiler.codegen import Compiler
from runtime.status import STATUS

SRC = """
def f(n):
    s = 0
    for i in range(n):
        s += i * 2
    return s
d = {"a": [1, 2.5, "x"]}
print(f(10), d, "done")
"""
HDR = bcformat.CONST["HEADER_SIZE"]


def program() -> bcformat.Program:
    return Compiler("t.py").module(ast.parse(SRC))


def run(vm: Path, tmp: Path, blob: bytes, timeout: float = 10) -> subprocess.CompletedProcess[bytes]:
    f = tmp / "x.dbc"
    f.write_bytes(blob)
    return subprocess.run([str(vm), str(f)], capture_output=True, timeout=timeout)


def rehash(blob: bytes) -> bytes:
    """Fix the header's SHA-256 so the check behind it is reached."""
    off = dict((n, o) for n, _, o in bcformat.FIELDS["HDR"])["sha256"]
    b = bytearray(blob)
    b[off:off + 32] = hashlib.sha256(bytes(b[HDR:])).digest()
    return bytes(b)


def with_code(fn: int, pc: int, word: int) -> bytes:
    p = program()
    p.functions[fn].code[pc] = word
    return bcformat.write(p)


def test_valid_program_runs(drift_vm: Path, tmp_path: Path) -> None:
    r = run(drift_vm, tmp_path, bcformat.write(program()))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"90 {'a': [1, 2.5, 'x']} done\n"


def _header_field(name: str) -> int:
    return dict((n, o) for n, _, o in bcformat.FIELDS["HDR"])[name]


def _set_u32(blob: bytes, off: int, v: int) -> bytes:
    return blob[:off] + struct.pack("<I", v) + blob[off + 4:]


GOOD = bcformat.write(program())


def _func_const() -> int:
    """Index of the constant naming function 1."""
    return program().consts.index((bcformat.CTAG["FUNC"], 1))


def _str_const() -> int:
    return next(i for i, (tag, _) in enumerate(program().consts) if tag == bcformat.CTAG["STR"])


def _with_func(**fields: int) -> bytes:
    p = program()
    for k, v in fields.items():
        setattr(p.functions[1], k, v)
    return bcformat.write(p)


def with_exc(fn: int, entries: list[tuple[int, int, int, int]]) -> bytes:
    p = program()
    p.functions[fn].exc = entries
    return bcformat.write(p)


def _set_func_field(fn: int, name: str, value: int) -> bytes:
    """GOOD with one u32 field of FUNC record ``fn`` changed (rehashed)."""
    blob = bytearray(GOOD)
    nsec = struct.unpack_from("<I", blob, _header_field("nsections"))[0]
    for i in range(nsec):
        sec = bcformat.unpack("SEC", bytes(blob), HDR + i * bcformat.CONST["SECTION_SIZE"])
        if sec["kind"] == bcformat.SECTION["FUNCS"]:
            off = sec["offset"] + fn * bcformat.CONST["FUNC_SIZE"]
            struct.pack_into("<I", blob, off + dict((n, o) for n, _, o in bcformat.FIELDS["FUNC"])[name], value)
    return rehash(bytes(blob))


_NREGS1 = program().functions[1].nregs
LOADK = isa.OPS["LOADK"]
BAD = {
    "empty file": (b"", "file too short"),
    "bad magic": (b"XXXX" + GOOD[4:], "bad magic"),
    "other version": (_set_u32(GOOD, _header_field("version"), 99), "unsupported bytecode version"),
    "truncated": (GOOD[:-8], "file size does not match"),
    "corrupt byte": (GOOD[:-3] + bytes([GOOD[-3] ^ 0xFF]) + GOOD[-2:], "SHA-256 mismatch"),
    "section count": (rehash(_set_u32(GOOD, _header_field("nsections"), 200)), "bad section count"),
    "unknown opcode": (with_code(1, 0, 0xFE), "unknown opcode"),
    "register out of frame": (with_code(1, 0, isa.encode("MOVE", 200, 0)), "operand out of range"),
    "constant out of range": (with_code(1, 0, isa.encode("LOADK", 0, 60000)), "operand out of range"),
    "global out of range": (with_code(0, 0, isa.encode("GETGLOBAL", 0, 999)), "operand out of range"),
    "jump out of range": (with_code(1, 0, isa.encode("JMP", 5000)), "jump out of range"),
    "jump before start": (with_code(1, 1, isa.encode("JMP", -3)), "jump out of range"),
    "call window": (with_code(1, 0, isa.encode("CALL", 1, 200, 20)), "register window exceeds the frame"),
    "callg global out of range": (with_code(0, 0, isa.encode("CALLG", 0, 999 << 4)), "operand out of range"),
    "callg register": (with_code(1, 0, isa.encode("CALLG", 200, 0)), "operand out of range"),
    "callg window": (with_code(1, 0, isa.encode("CALLG", _NREGS1 - 1, 0 << 4 | 2)),
                     "register window exceeds the frame"),
    "concat window": (with_code(1, 0, isa.encode("CONCAT", 0, _NREGS1 - 2, 3)), "register window exceeds the frame"),
    "concat window of 255": (with_code(1, 0, isa.encode("CONCAT", 0, 1, 255)), "register window exceeds the frame"),
    "concat operand register": (with_code(1, 0, isa.encode("CONCAT", 0, 240, 1)), "operand out of range"),
    "concat target register": (with_code(1, 0, isa.encode("CONCAT", 240, 0, 2)), "operand out of range"),
    "concat of no operands": (with_code(1, 0, isa.encode("CONCAT", 0, 1, 0)), "CONCAT or CATCHK of no operands"),
    "catchk window": (with_code(1, 0, isa.encode("CATCHK", _NREGS1 - 1, 2)), "register window exceeds the frame"),
    "catchk window of 255": (with_code(1, 0, isa.encode("CATCHK", 1, 255)), "register window exceeds the frame"),
    "catchk register": (with_code(1, 0, isa.encode("CATCHK", 240, 1)), "operand out of range"),
    "catchk unused operand": (with_code(1, 0, isa.encode("CATCHK", 0, 2, 1)), "operand out of range"),
    "catchk of no operands": (with_code(1, 0, isa.encode("CATCHK", 0, 0)), "CONCAT or CATCHK of no operands"),
    "unpack window": (with_code(1, 0, isa.encode("UNPACK", 3, 0, 250)), "register window exceeds the frame"),
    "attribute not a string": (with_code(0, 0, isa.encode("METHOD", 0, 0)), "attribute name is not a string constant"),
    "unused operand set": (with_code(1, 0, isa.encode("RETNONE", 3)), "operand out of range"),
    "setattr name not a string": (with_code(0, 0, isa.encode("SETATTR", 0, 0)), "attribute name is not a string"),
    "setattr window": (with_code(1, 0, isa.encode("SETATTR", _NREGS1 - 1, _str_const())),
                       "register window exceeds the frame"),
    "newclass window": (with_code(1, 0, isa.encode("NEWCLASS", _NREGS1 - 1, _str_const())),
                        "register window exceeds the frame"),
    "raise register": (with_code(1, 0, isa.encode("RAISE", 0, 1, 240)), "operand out of range"),
    "reraise unused operand": (with_code(1, 0, isa.encode("RERAISE", 0, 1)), "operand out of range"),
    "excmatch register": (with_code(1, 0, isa.encode("EXCMATCH", 0, 230, 0)), "operand out of range"),
    "pushexc register": (with_code(1, 0, isa.encode("PUSHEXC", 0, 240)), "operand out of range"),
    "super register": (with_code(1, 0, isa.encode("SUPER", 0, 0, 240)), "operand out of range"),
    "exception range past the end": (with_exc(1, [(0, 5000, 0, 0)]), "exception range out of the function"),
    "exception range empty": (with_exc(1, [(3, 3, 0, 0)]), "exception range out of the function"),
    "exception handler out of range": (with_exc(1, [(0, 1, 9999, 0)]), "exception handler out of the function"),
    "exception register out of range": (with_exc(1, [(0, 1, 0, 250)]), "exception handler register out of range"),
    "exception table past the section": (_set_func_field(1, "exc_count", 1000), "function exception table out of"),
    "makefunc of a non-function": (with_code(1, 0, isa.encode("MAKEFUNC", 0, _str_const())), "MAKEFUNC of a constant"),
    "makefunc window": (with_code(1, 0, isa.encode("MAKEFUNC", 5, _func_const())), "register window exceeds the frame"),
    "callex window": (with_code(1, 0, isa.encode("CALLEX", 5)), "register window exceeds the frame"),
    "loadcell of an unnamed register": (with_code(1, 0, isa.encode("LOADCELL", 0, 5, 0)), "LOADCELL of an unnamed"),
    "storecell register": (with_code(1, 0, isa.encode("STORECELL", 0, 200)), "operand out of range"),
    "yield outside a generator": (with_code(1, 0, isa.encode("YIELD", 0, 0)), "yield in a function that"),
    "yield from outside a generator": (with_code(1, 0, isa.encode("YIELDFROM", 0, 0)), "yield in a function"),
    "listextend register": (with_code(1, 0, isa.encode("LISTEXTEND", 0, 0, 240)), "operand out of range"),
    "dictmerge register": (with_code(1, 0, isa.encode("DICTMERGE", 0, 230, 0)), "operand out of range"),
    "setadd register": (with_code(1, 0, isa.encode("SETADD", 0, 240)), "operand out of range"),
    "mkcell register": (with_code(1, 0, isa.encode("MKCELL", 220, 0, 1)), "operand out of range"),
    "unknown function flags": (_with_func(flags=0x80), "unknown function flags"),
    "kw-only count beyond the names": (_with_func(nkwonly=9), "bad parameter counts"),
    "free cells beyond the frame": (_with_func(nfree=200), "bad parameter counts"),
    "test without a jump": (with_code(1, 0, isa.encode("TLT", 0, 0, 1)), "compare-and-test not followed by a jump"),
    "test flag not 0/1": (with_code(1, 0, isa.encode("TEQI", 0, 5, 2)), "operand out of range"),
    "getattrk name not a string": (with_code(1, 0, isa.encode("GETATTRK", 0, 0, _func_const())),
                                   "attribute name is not a string constant"),
    "getattrk register": (with_code(1, 0, isa.encode("GETATTRK", 0, 240, _str_const())), "operand out of range"),
    "setattrk name not a string": (with_code(1, 0, isa.encode("SETATTRK", 0, _func_const(), 0)),
                                   "attribute name is not a string constant"),
    "setattrk register": (with_code(1, 0, isa.encode("SETATTRK", 0, _str_const(), 240)), "operand out of range"),
    "methodk name not a string": (with_code(1, 0, isa.encode("METHODK", 0, 0, _func_const())),
                                  "attribute name is not a string constant"),
    "setitemi register": (with_code(1, 0, isa.encode("SETITEMI", 0, 5, 240)), "operand out of range"),
    "setitemi object register": (with_code(1, 0, isa.encode("SETITEMI", 240, 5, 0)), "operand out of range"),
    "fornext without a jump": (with_code(1, 0, isa.encode("FORNEXT", 0, 0, 1)),
                               "compare-and-test not followed by a jump"),
    "fornext register": (with_code(1, 0, isa.encode("FORNEXT", 0, 0, 240)), "operand out of range"),
    "methodk window": (with_code(1, 0, isa.encode("METHODK", _NREGS1 - 1, 0, _str_const())),
                       "register window exceeds the frame"),
    "delattr name not a string": (with_code(1, 0, isa.encode("DELATTR", 0, _func_const())),
                                  "attribute name is not a string constant"),
    "delattr register": (with_code(1, 0, isa.encode("DELATTR", 240, _str_const())), "operand out of range"),
    "delglobal slot": (with_code(1, 0, isa.encode("DELGLOBAL", 0, 60000)), "operand out of range"),
    "delglobal unused operand": (with_code(1, 0, isa.encode("DELGLOBAL", 1, 0)), "operand out of range"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_rejected(name: str, drift_vm: Path, tmp_path: Path) -> None:
    blob, why = BAD[name]
    r = run(drift_vm, tmp_path, blob)
    assert r.returncode == STATUS["BADCODE"], (r.returncode, r.stderr)
    assert r.stdout == b""
    assert r.stderr.decode().startswith("drift: bytecode rejected: " + why), r.stderr


@pytest.mark.parametrize("word", [("CONCAT", 0, _NREGS1 - 3, 3), ("CONCAT", _NREGS1 - 1, 0, _NREGS1),
                                  ("CATCHK", _NREGS1 - 2, 2), ("CATCHK", 0, _NREGS1)], ids=str)
def test_concat_catchk_window_at_frame_end(word: tuple[str, int, int, int], drift_vm: Path, tmp_path: Path) -> None:
    """A CONCAT/CATCHK window ending at the frame's last register is accepted: the
    interpreter adds what the registers hold (here None and stale values: a TypeError)."""
    p = program()
    p.functions[1].code[:0] = [isa.encode(*word)]
    r = run(drift_vm, tmp_path, bcformat.write(p))
    assert r.returncode in (0, STATUS["EXCEPTION"]), (r.returncode, r.stderr)
    assert b"bytecode rejected" not in r.stderr


def test_falls_off_end(drift_vm: Path, tmp_path: Path) -> None:
    p = program()
    p.functions[1].code.append(isa.encode("NOP"))
    r = run(drift_vm, tmp_path, bcformat.write(p))
    assert r.returncode == STATUS["BADCODE"]
    assert b"run off the end" in r.stderr


def test_random_mutations_never_crash(drift_vm: Path, tmp_path: Path) -> None:
    """Flip random bytes (rehashed, so they reach the verifier): every run ends in a
    status, never in a signal (a crash) -- the interpreter's own checks catch what the
    verifier lets through (e.g. wrong types)."""
    rng = random.Random(1234)
    outcomes: dict[int, int] = {}
    for _ in range(300):
        b = bytearray(GOOD)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(HDR, len(b))] = rng.randrange(256)
        try:
            r = run(drift_vm, tmp_path, rehash(bytes(b)), timeout=5)
        except subprocess.TimeoutExpired:
            outcomes[-999] = outcomes.get(-999, 0) + 1   # a mutated jump may loop forever: not a crash
            continue
        assert r.returncode >= 0, f"killed by signal {signal.Signals(-r.returncode).name}"
        assert r.returncode in (0, STATUS["EXCEPTION"], STATUS["BADCODE"]), (r.returncode, r.stderr)
        outcomes[r.returncode] = outcomes.get(r.returncode, 0) + 1
    assert outcomes.get(STATUS["BADCODE"], 0) > 100


def test_exception_table_handler_runs(drift_vm: Path, tmp_path: Path) -> None:
    """A hand-made table entry: the handler receives the exception in its register."""
    src = "def f():\n    x = 1\n    return 1 // 0\nprint(f())\n"
    p = Compiler("t.py").module(ast.parse(src))
    fn = p.functions[1]
    handler = len(fn.code)
    fn.code += [isa.encode("LOADI", 0, 7), isa.encode("RETURN", 0)]
    fn.exc = [(0, handler, handler, 0)]
    r = run(drift_vm, tmp_path, bcformat.write(p))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"7\n"


@pytest.mark.parametrize("jump", ["handler", "JMPIFNOT"])
def test_hostile_backward_transfers_are_safe_points(drift_vm: Path, tmp_path: Path, jump: str) -> None:
    """Hostile loops that are not a backward JMP -- a handler inside its own range (its code
    raises into itself again), a backward conditional jump -- still pass safe points, as a loop
    does: a snapshot request is served (here the 1000th safe point, --snapshot-at) instead of
    the program spinning where no collection, snapshot or host request can happen."""
    p = Compiler("t.py").module(ast.parse("def f():\n    return 1 // 0\nprint(f())\n"))
    fn = p.functions[1]
    if jump == "handler":
        fn.exc = [(0, len(fn.code), 0, 0)]
    else:                                  # R0 = None; if not R0: jump back to the LOADNONE
        fn.code[:0] = [isa.encode("LOADNONE", 0), isa.encode("JMPIFNOT", 0, -2)]
    f = tmp_path / "x.dbc"
    f.write_bytes(bcformat.write(p))
    r = subprocess.run([str(drift_vm), "--snapshot-at", "1000", "-o", str(tmp_path / "s.snap"), str(f)],
                       capture_output=True, timeout=60)
    assert r.returncode == STATUS["SNAPSTOP"], (r.returncode, r.stderr)
    assert (tmp_path / "s.snap").stat().st_size > 0
