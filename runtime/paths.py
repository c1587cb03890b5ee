"""Where Drift's files live: the source tree, the build folder, the guest binaries."""

from __future__ import annotations

import os
from pathlib import Path

#: The root of the Drift source tree (the folder holding ``guest/`` and ``runtime/``).
ROOT: Path = Path(__file__).resolve().parent.parent

#: Build outputs (git-ignored); override with ``DRIFT_BUILD_DIR``.
BUILD: Path = Path(os.environ.get("DRIFT_BUILD_DIR", ROOT / "build"))

#: Definition files shared with the C side (the single source of truth).
OPCODES_DEF: Path = ROOT / "guest" / "vm" / "opcodes.def"
FORMAT_DEF: Path = ROOT / "guest" / "vm" / "format.def"
STATUS_DEF: Path = ROOT / "guest" / "vm" / "status.def"
SNAPSHOT_DEF: Path = ROOT / "guest" / "vm" / "snapshot.def"


def kernel(arch: str = "x86_64") -> Path:
    """The guest kernel without a program, as ``make -C guest`` builds it."""
    return BUILD / arch / "drift-kernel.elf"


def hosted_vm() -> Path:
    """The hosted VM binary ``drift-vm``."""
    return BUILD / "hosted" / "drift-vm"
