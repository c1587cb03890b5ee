"""Disassembler for Drift bytecode (``drift dis``): a readable listing of a .dbc file."""

from __future__ import annotations

import struct

from . import bcformat, isa


def disassemble(data: bytes) -> str:
    """Return a listing of every function in a bytecode file.

    Raises:
        ImageError: the file is not valid bytecode (header or hash).
    """
    hdr = bcformat.check_header(data)
    secs = {}
    for i in range(hdr["nsections"]):
        s = bcformat.unpack("SEC", data, bcformat.CONST["HEADER_SIZE"] + i * bcformat.CONST["SECTION_SIZE"])
        secs[s["kind"]] = s
    sk = bcformat.SECTION
    strings: list[str] = []
    off = int(secs[sk["STRINGS"]]["offset"])
    for _ in range(int(secs[sk["STRINGS"]]["count"])):
        (n,) = struct.unpack_from("<I", data, off)
        strings.append(data[off + 4:off + 4 + n].decode())
        off += 4 + ((n + 3) & ~3)
    code_off = int(secs[sk["CODE"]]["offset"])
    out: list[str] = []
    fsec = secs[sk["FUNCS"]]
    for fi in range(int(fsec["count"])):
        f = bcformat.unpack("FUNC", data, int(fsec["offset"]) + fi * bcformat.CONST["FUNC_SIZE"])
        out.append(f"function {fi} {strings[int(f['name'])]}: params={f['nparams']} regs={f['nregs']}")
        for pc in range(int(f["code_len"])):
            (word,) = struct.unpack_from("<I", data, code_off + 4 * (int(f["code_start"]) + pc))
            op, a, b, c = isa.decode(word)
            args = {"ABC": f"{a} {b} {c}", "ABx": f"{a} {b}", "AsBx": f"{a} {b:+d} -> {pc + 1 + b}",
                    "sJ": f"{a:+d} -> {pc + 1 + a}"}[op.fmt]
            if op.name == "CALLG":     # Bx = global slot << 4 | number of arguments
                args = f"{a} {b >> 4} {b & 15}"
            out.append(f"  {pc:4d}  {op.name:<10} {args}")
        xsec = secs.get(sk["EXCTAB"])
        xsize = bcformat.CONST["EXC_SIZE"]
        for k in range(int(f["exc_count"]) if xsec is not None else 0):
            assert xsec is not None
            e = bcformat.unpack("EXC", data, int(xsec["offset"]) + (int(f["exc_start"]) + k) * xsize)
            out.append(f"  except [{e['start']}, {e['end']}) -> {e['handler']} in R{e['reg']}")
    return "\n".join(out) + "\n"
