"""Shared fixtures: the built guest binaries, and tool checks that fail under CI."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime import build

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"


def unavailable(msg: str) -> None:
    """Skip, or fail under CI=true."""
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def need_tool(name: str) -> str:
    """Path of an executable the test needs (PATH, then the sbin folders).  Missing: fail under
    CI=true, else skip."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        unavailable(f"{name} is not installed (scripts/setup installs it)")
        raise AssertionError("unreachable")
    return path


@pytest.fixture(scope="session")
def libvirt_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private libvirtd (scripts/libvirtd) shared by the libvirt tests, stopped at the end with
    all its domains.  Without root, libvirtd, virsh, QEMU or libvirt-python: skipped (failed under CI=true)."""
    for tool in ("libvirtd", "virsh", "unshare", "qemu-system-x86_64"):
        need_tool(tool)
    if os.geteuid() != 0:
        unavailable("the libvirt tests run libvirtd as root (scripts/libvirtd): run them as root")
    try:
        import libvirt  # noqa: F401
    except ImportError as e:
        unavailable(f"libvirt-python is not importable ({e}): run scripts/setup")
    folder = tmp_path_factory.mktemp("libvirtd")
    script = ROOT / "scripts" / "libvirtd"
    proc = subprocess.run([str(script), "start", str(folder)], capture_output=True, text=True, timeout=90,
                          check=False)
    try:
        assert proc.returncode == 0, f"scripts/libvirtd start failed:\n{proc.stderr}"
        yield proc.stdout.strip()
    finally:
        subprocess.run([str(script), "stop", str(folder)], capture_output=True, timeout=90, check=False)


@pytest.fixture(scope="session")
def drift_vm() -> Path:
    """The hosted VM, built if needed."""
    return build.hosted_vm()


@pytest.fixture(scope="session")
def kernel() -> Path:
    """The x86_64 guest kernel, built if needed (needs QEMU to be useful)."""
    need_tool("qemu-system-x86_64")
    return build.kernel("x86_64")
