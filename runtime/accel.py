"""Choosing QEMU's accelerator: KVM when it is usable and worth it, else TCG.

``auto`` picks KVM only when ``/dev/kvm`` opens read-write, the host runs the
guest's architecture, and the KVM is not the paravirtual ``kvm_pvm`` module
(nested KVM without hardware support: it works, but a short-lived guest
boots faster under TCG).  An explicit ``kvm`` is honoured even under
``kvm_pvm``, and fails with :class:`AccelError` when KVM cannot be used at all.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path

from .errors import AccelError

ACCELS = ("auto", "kvm", "tcg")

KVM_DEVICE = Path("/dev/kvm")
SYS_MODULE = Path("/sys/module")

_HOST_ARCH_ALIASES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}


@dataclass(frozen=True)
class _Host:
    """What this host offers, probed once per call."""

    kvm_error: str | None  # why /dev/kvm is unusable, None if it opens
    pvm: bool  # the KVM is the paravirtual kvm_pvm module
    arch: str  # the host's architecture, in Drift's spelling


def host_arch() -> str:
    """The host's architecture in Drift's spelling (``x86_64``, ``aarch64``)."""
    machine = platform.machine().lower()
    return _HOST_ARCH_ALIASES.get(machine, machine)


def _kvm_error(device: Path) -> str | None:
    """Why ``device`` cannot be opened read-write, or None if it can."""
    try:
        fd = os.open(device, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return f"{device} does not exist (KVM is not enabled on this host, or nested virtualisation is off)"
    except PermissionError:
        return f"no permission to open {device} (add your user to the 'kvm' group, then log in again)"
    except OSError as e:
        return f"cannot open {device}: {e.strerror or e}"
    os.close(fd)
    return None


def _probe(kvm_device: Path, sys_module: Path) -> _Host:
    return _Host(kvm_error=_kvm_error(kvm_device), pvm=(sys_module / "kvm_pvm").exists(), arch=host_arch())


def _choose(requested: str, guest_arch: str, host: _Host) -> tuple[str, str]:
    """(accelerator, why) for a request on this host.

    Raises:
        AccelError: ``requested`` is not auto/kvm/tcg, or ``kvm`` is unusable.
    """
    if requested not in ACCELS:
        raise AccelError(f"unknown accelerator {requested!r}: use one of {', '.join(ACCELS)}")
    if requested == "tcg":
        return "tcg", "TCG was requested (software emulation)"
    mismatch = host.arch != guest_arch
    if requested == "kvm":
        if mismatch:
            raise AccelError(f"--accel kvm: KVM cannot run a {guest_arch} guest on this {host.arch} host; "
                             "use --accel tcg")
        if host.kvm_error is not None:
            raise AccelError(f"--accel kvm: {host.kvm_error}; use --accel tcg (slower, works everywhere)")
        if host.pvm:
            return "kvm", "KVM was requested; note it is the paravirtual kvm_pvm (slow to start a guest)"
        return "kvm", "KVM was requested and /dev/kvm is usable"
    if mismatch:
        return "tcg", f"the {guest_arch} guest does not match this {host.arch} host, so KVM cannot run it"
    if host.kvm_error is not None:
        return "tcg", f"KVM is unusable: {host.kvm_error}"
    if host.pvm:
        return "tcg", "the host's KVM is the paravirtual kvm_pvm module, slower than TCG for short-lived guests"
    return "kvm", "/dev/kvm is usable and the host runs the guest's architecture"


def resolve(requested: str, guest_arch: str = "x86_64", *,
            kvm_device: Path = KVM_DEVICE, sys_module: Path = SYS_MODULE) -> str:
    """Resolve ``auto``/``kvm``/``tcg`` to the accelerator to use: ``kvm`` or ``tcg``.

    ``kvm_device`` and ``sys_module`` exist for tests (point them elsewhere).

    Raises:
        AccelError: ``requested`` is unknown, or ``kvm`` was requested and KVM
            cannot run the guest here (the message says why and suggests
            ``--accel tcg``).
    """
    return _choose(requested, guest_arch, _probe(kvm_device, sys_module))[0]


def reason(requested: str, guest_arch: str = "x86_64", *,
           kvm_device: Path = KVM_DEVICE, sys_module: Path = SYS_MODULE) -> str:
    """One sentence on why :func:`resolve` picks what it picks (for ``drift run -v``).

    Raises:
        AccelError: as :func:`resolve`.
    """
    return _choose(requested, guest_arch, _probe(kvm_device, sys_module))[1]
