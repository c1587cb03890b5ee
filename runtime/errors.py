"""The exception tree of the Drift host controller.

Every error that reaches the user is a :class:`DriftError`; its message is
written for the user (what went wrong and what to do) and its ``exit_code``
is what the ``drift`` command exits with.

    DriftError
     +-- CompileError          unsupported or invalid Python        (exit 2)
     +-- ImageError            a missing, corrupt or foreign image  (exit 3)
     +-- ToolMissingError      QEMU / the guest build is missing    (exit 4)
     +-- AccelError            the requested accelerator is unusable (exit 5)
     +-- LaunchError           QEMU failed to start or was killed   (exit 6)
"""

from __future__ import annotations


class DriftError(Exception):
    """Base class of every error the ``drift`` command reports."""

    exit_code: int = 70

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CompileError(DriftError):
    """The program uses Python outside Drift's subset, or is invalid.

    ``str()`` is ``file:line:col: unsupported: what`` (or ``error: what``).
    """

    exit_code = 2

    def __init__(self, filename: str, line: int, col: int, message: str) -> None:
        self.filename = filename
        self.line = line
        self.col = col
        self.detail = message
        super().__init__(f"{filename}:{line}:{col}: {message}")


class ImageError(DriftError):
    """An image or bytecode file is missing, corrupt or not a Drift image."""

    exit_code = 3


class ToolMissingError(DriftError):
    """A tool Drift needs (QEMU, the built guest kernel, drift-vm) is absent."""

    exit_code = 4


class AccelError(DriftError):
    """The accelerator asked for (e.g. ``--accel kvm``) cannot be used here."""

    exit_code = 5


class LaunchError(DriftError):
    """QEMU refused to start, or died without the guest reporting a status."""

    exit_code = 6
