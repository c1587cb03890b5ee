"""Shared fixtures: the built guest binaries, and tool checks that fail under CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from runtime import build

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"


def need_tool(name: str) -> str:
    """Path of an executable the test needs.  Missing: fail under CI=true, else skip."""
    path = shutil.which(name)
    if path is None:
        msg = f"{name} is not installed (scripts/setup installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def drift_vm() -> Path:
    """The hosted VM, built if needed."""
    return build.hosted_vm()


@pytest.fixture(scope="session")
def kernel() -> Path:
    """The x86_64 guest kernel, built if needed (needs QEMU to be useful)."""
    need_tool("qemu-system-x86_64")
    return build.kernel("x86_64")
