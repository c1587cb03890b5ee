"""The exception tree of the Drift host controller.

Every error that reaches the user is a :class:`DriftError`; its message is
written for the user (what went wrong and what to do) and its ``exit_code``
is what the ``drift`` command exits with (BSD sysexits codes, so that they
are told apart from a program's own status, which ``drift run`` passes on).

    DriftError
     +-- CompileError          unsupported or invalid Python        (exit 65)
     +-- ImageError            a missing, corrupt or foreign image  (exit 66)
     |    +-- SnapshotError     a snapshot that is corrupt, truncated, for another
     |                          program or another format version   (exit 66)
     +-- ToolMissingError      QEMU / the guest build is missing    (exit 69)
     +-- AccelError            the requested accelerator is unusable (exit 77)
     +-- LaunchError           QEMU failed to start or was killed   (exit 71)
     +-- PartitionNotFound     no partition of that name            (exit 67)
     +-- PartitionExists       the name is taken                    (exit 73)
     +-- PartitionStateError   not possible in the current state    (exit 75)
     +-- ChannelError          the host channel failed or timed out (exit 74)
     +-- BackendError          libvirt refused or is unreachable    (exit 76)
     +-- UsageError            an invalid argument (e.g. a bad partition name) (exit 64)
     +-- HostError             an unknown or unusable host (``--to``)  (exit 68)
     +-- MigrationError        a live migration failed or was cancelled (exit 72)
"""

from __future__ import annotations


class DriftError(Exception):
    """Base class of every error the ``drift`` command reports."""

    exit_code: int = 70  # EX_SOFTWARE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CompileError(DriftError):
    """The program uses Python outside Drift's subset, or is invalid.

    ``str()`` is ``file:line:col: unsupported: what`` (or ``error: what``).
    """

    exit_code = 65  # EX_DATAERR

    def __init__(self, filename: str, line: int, col: int, message: str) -> None:
        self.filename = filename
        self.line = line
        self.col = col
        self.detail = message
        super().__init__(f"{filename}:{line}:{col}: {message}")


class ImageError(DriftError):
    """An image or bytecode file is missing, corrupt or not a Drift image."""

    exit_code = 66  # EX_NOINPUT


class SnapshotError(ImageError):
    """A VM snapshot is corrupt, truncated, for another program or of another format version."""


class ToolMissingError(DriftError):
    """A tool Drift needs (QEMU, the built guest kernel, drift-vm) is absent."""

    exit_code = 69  # EX_UNAVAILABLE


class AccelError(DriftError):
    """The accelerator asked for (e.g. ``--accel kvm``) cannot be used here."""

    exit_code = 77  # EX_NOPERM


class LaunchError(DriftError):
    """QEMU refused to start, or died without the guest reporting a status."""

    exit_code = 71  # EX_OSERR


class PartitionNotFound(DriftError):
    """No partition has that name (on this backend / URI)."""

    exit_code = 67  # EX_NOUSER


class PartitionExists(DriftError):
    """A partition of that name exists already (``drift rm`` it first)."""

    exit_code = 73  # EX_CANTCREAT


class PartitionStateError(DriftError):
    """The operation is not possible in the partition's state (e.g. pause a stopped one)."""

    exit_code = 75  # EX_TEMPFAIL


class ChannelError(DriftError):
    """The host channel could not be reached, or no answer came in time."""

    exit_code = 74  # EX_IOERR


class BackendError(DriftError):
    """The backend (libvirt) refused the request or cannot be reached."""

    exit_code = 76  # EX_PROTOCOL


class UsageError(DriftError):
    """An argument is invalid (a partition name, a CPU limit, conflicting options)."""

    exit_code = 64  # EX_USAGE


class HostError(DriftError):
    """A host (``drift migrate --to HOST``) is unknown, or Drift cannot start a QEMU there."""

    exit_code = 68  # EX_NOHOST


class MigrationError(DriftError):
    """A live migration failed or was cancelled; the partition keeps running where it was."""

    exit_code = 72  # EX_OSFILE (unused otherwise): distinct from every other Drift error
