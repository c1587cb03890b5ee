"""Accelerator choice (runtime.accel): probed through injectable paths, no mocking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runtime import accel
from runtime.errors import AccelError


def _kvm_opens(device: Path) -> bool:
    try:
        os.close(os.open(device, os.O_RDWR))
    except OSError:
        return False
    return True


@pytest.fixture
def usable_kvm(tmp_path: Path) -> Path:
    """A stand-in for /dev/kvm that opens read-write."""
    dev = tmp_path / "kvm"
    dev.write_bytes(b"")
    return dev


@pytest.fixture
def sysfs_plain(tmp_path: Path) -> Path:
    """A /sys/module without kvm_pvm."""
    mods = tmp_path / "module-plain"
    (mods / "kvm").mkdir(parents=True)
    return mods


@pytest.fixture
def sysfs_pvm(tmp_path: Path) -> Path:
    """A /sys/module with the paravirtual kvm_pvm loaded."""
    mods = tmp_path / "module-pvm"
    (mods / "kvm_pvm").mkdir(parents=True)
    return mods


def test_auto_on_this_host_follows_what_the_host_has() -> None:
    usable = _kvm_opens(accel.KVM_DEVICE)
    pvm = (accel.SYS_MODULE / "kvm_pvm").exists()
    expected = "kvm" if usable and not pvm and accel.host_arch() == "x86_64" else "tcg"
    assert accel.resolve("auto") == expected
    assert accel.reason("auto")
    if pvm:
        assert accel.resolve("auto") == "tcg"
        assert "kvm_pvm" in accel.reason("auto") or not usable


def test_auto_picks_kvm_when_usable_and_not_pvm(usable_kvm: Path, sysfs_plain: Path) -> None:
    if accel.host_arch() != "x86_64":
        pytest.skip("an x86_64 guest runs under KVM only on an x86_64 host")
    assert accel.resolve("auto", kvm_device=usable_kvm, sys_module=sysfs_plain) == "kvm"


def test_auto_avoids_kvm_pvm(usable_kvm: Path, sysfs_pvm: Path) -> None:
    assert accel.resolve("auto", kvm_device=usable_kvm, sys_module=sysfs_pvm) == "tcg"
    assert "kvm_pvm" in accel.reason("auto", kvm_device=usable_kvm, sys_module=sysfs_pvm)


def test_auto_without_kvm_is_tcg(tmp_path: Path, sysfs_plain: Path) -> None:
    missing = tmp_path / "no-kvm"
    assert accel.resolve("auto", kvm_device=missing, sys_module=sysfs_plain) == "tcg"
    assert str(missing) in accel.reason("auto", kvm_device=missing, sys_module=sysfs_plain)


def test_auto_for_a_foreign_guest_is_tcg(usable_kvm: Path, sysfs_plain: Path) -> None:
    other = "aarch64" if accel.host_arch() != "aarch64" else "x86_64"
    assert accel.resolve("auto", other, kvm_device=usable_kvm, sys_module=sysfs_plain) == "tcg"


def test_kvm_requested_without_dev_kvm_fails(tmp_path: Path, sysfs_plain: Path) -> None:
    missing = tmp_path / "no-kvm"
    with pytest.raises(AccelError) as err:
        accel.resolve("kvm", kvm_device=missing, sys_module=sysfs_plain)
    assert str(missing) in str(err.value)
    assert "--accel tcg" in str(err.value)


def test_kvm_requested_but_unopenable_fails(tmp_path: Path, sysfs_plain: Path) -> None:
    # a directory cannot be opened read-write, even by root
    with pytest.raises(AccelError, match="--accel tcg"):
        accel.resolve("kvm", kvm_device=tmp_path, sys_module=sysfs_plain)


def test_kvm_requested_under_pvm_is_allowed(usable_kvm: Path, sysfs_pvm: Path) -> None:
    if accel.host_arch() != "x86_64":
        pytest.skip("an x86_64 guest runs under KVM only on an x86_64 host")
    assert accel.resolve("kvm", kvm_device=usable_kvm, sys_module=sysfs_pvm) == "kvm"
    assert "kvm_pvm" in accel.reason("kvm", kvm_device=usable_kvm, sys_module=sysfs_pvm)


def test_kvm_requested_for_a_foreign_guest_fails(usable_kvm: Path, sysfs_plain: Path) -> None:
    other = "aarch64" if accel.host_arch() != "aarch64" else "x86_64"
    with pytest.raises(AccelError, match="--accel tcg"):
        accel.resolve("kvm", other, kvm_device=usable_kvm, sys_module=sysfs_plain)


def test_tcg_is_always_tcg(tmp_path: Path, sysfs_pvm: Path) -> None:
    assert accel.resolve("tcg", kvm_device=tmp_path / "none", sys_module=sysfs_pvm) == "tcg"
    assert accel.reason("tcg") == accel.reason("tcg", kvm_device=tmp_path / "none")


def test_unknown_accelerator() -> None:
    with pytest.raises(AccelError, match="unknown accelerator"):
        accel.resolve("hvf")
