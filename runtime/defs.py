"""Reader for the X-macro definition files shared with the C side.

``guest/vm/*.def`` are the single source of truth for the opcode table, the
bytecode layout and the exit statuses.  C includes them as X-macros; this
module parses the same lines so that Python never hand-copies a constant.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CALL = re.compile(r"^\s*([A-Z_]+)\((.*)\)\s*$")


def _split_args(text: str) -> list[str]:
    """Split a macro argument list on top-level commas, keeping "strings" whole."""
    args: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    args.append("".join(cur).strip())
    return [a[1:-1] if a.startswith('"') and a.endswith('"') else a for a in args]


@cache
def read(path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the macro invocations of a .def file as (MACRO, args) in order.

    Raises:
        OSError: the file cannot be read.
        ValueError: a line is not a macro invocation.
    """
    text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    out: list[tuple[str, tuple[str, ...]]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _CALL.match(line)
        if m is None:
            raise ValueError(f"{path}:{lineno}: not a macro line: {line.strip()!r}")
        out.append((m.group(1), tuple(_split_args(m.group(2)))))
    return tuple(out)


def number(text: str) -> int:
    """Parse a C integer literal (decimal or 0x hex)."""
    return int(text, 0)
