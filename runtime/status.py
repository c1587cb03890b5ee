"""Program exit statuses, read from ``guest/vm/status.def``."""

from __future__ import annotations

from . import defs, paths

STATUS: dict[str, int] = {}
_DOC: dict[int, str] = {}
for _macro, (_name, _value, _doc) in defs.read(paths.STATUS_DEF):
    STATUS[_name] = defs.number(_value)
    _DOC.setdefault(defs.number(_value), _doc)


def describe(code: int) -> str:
    """A one-line explanation of an exit status: Drift's meaning for 0, 1 and the
    statuses above USER_MAX, else "the program exited with status N"."""
    if code in (STATUS["OK"], STATUS["EXCEPTION"]) or (code > STATUS["USER_MAX"] and code in _DOC):
        return _DOC[code]
    return f"the program exited with status {code}"
