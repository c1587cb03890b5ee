"""CPU limits for partitions through cgroup v2 (``--cpu-min/--cpu-max/--cpu-burst``).

Each limited partition gets its own cgroup, ``<base>/<name>``, where
``<base>`` is ``$DRIFT_CGROUP_ROOT`` if set (a cgroup v2 directory delegated
to Drift, with the ``cpu`` controller available), else ``drift/`` at the top
of the host's cgroup v2 hierarchy (``/sys/fs/cgroup/drift``; needs root).
The QEMU process is moved into it before the guest's CPUs start.

Percentages are of one host CPU:

- ``--cpu-max P``: ``cpu.max`` = ``P*1000 100000`` (P ms of CPU time per 100 ms; P may exceed 100);
- ``--cpu-burst P``: ``cpu.max.burst`` = ``P*1000`` (µs a partition may bank for bursts; needs
  ``--cpu-max``, and at most its value);
- ``--cpu-min P``: ``cpu.weight`` = ``P`` (1..10000), i.e. the share under contention relative to a
  partition without ``--cpu-min``, which counts as 100.  cgroup v2 has no hard minimum; this is
  the proportional share that gives P% when the CPU is contended by partitions of weight 100.

A host without cgroup v2, or whose cgroup v2 does not offer the ``cpu``
controller (hybrid v1/v2 hosts keep it on v1), gets a clear error and no
partition is started.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import PartitionStateError, UsageError

#: Environment variable naming the cgroup Drift creates partitions' cgroups in.
ROOT_ENV = "DRIFT_CGROUP_ROOT"
MOUNTS = Path("/proc/self/mounts")
PERIOD_US = 100_000
WEIGHT_MAX = 10_000
_HELP = (f"set {ROOT_ENV} to a cgroup v2 directory delegated to you with the cpu controller, "
         "or boot the host with the unified hierarchy (systemd.unified_cgroup_hierarchy=1)")


@dataclass(frozen=True)
class CpuLimits:
    """CPU limits in percent of one host CPU; None: not limited."""

    min: int | None = None
    max: int | None = None
    burst: int | None = None

    def any(self) -> bool:
        """Whether any limit is set."""
        return (self.min, self.max, self.burst) != (None, None, None)


def validate(limits: CpuLimits) -> None:
    """Check the limits make sense.

    Raises:
        UsageError: a value below 1, ``min`` above 10000, ``burst`` without
            ``max`` or above it.
    """
    for flag, value in (("--cpu-min", limits.min), ("--cpu-max", limits.max), ("--cpu-burst", limits.burst)):
        if value is not None and value < 1:
            raise UsageError(f"{flag} must be a percentage of one CPU, at least 1 (got {value})")
    if limits.min is not None and limits.min > WEIGHT_MAX:
        raise UsageError(f"--cpu-min is at most {WEIGHT_MAX} (got {limits.min})")
    if limits.burst is not None and (limits.max is None or limits.burst > limits.max):
        raise UsageError("--cpu-burst needs --cpu-max, and may not exceed it (the kernel's rule for cpu.max.burst)")


def settings(limits: CpuLimits) -> dict[str, str]:
    """The cgroup files to write and their values, in the order to write them."""
    out: dict[str, str] = {}
    if limits.min is not None:
        out["cpu.weight"] = str(limits.min)
    if limits.max is not None:
        out["cpu.max"] = f"{limits.max * PERIOD_US // 100} {PERIOD_US}"
    if limits.burst is not None:
        out["cpu.max.burst"] = str(limits.burst * PERIOD_US // 100)
    return out


def _cgroup2_mount(mounts: Path) -> Path | None:
    """Where cgroup v2 is mounted (the first cgroup2 entry), or None."""
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) >= 3 and fields[2] == "cgroup2":
            return Path(fields[1])
    return None


def _controllers(cgroup: Path) -> set[str]:
    try:
        return set((cgroup / "cgroup.controllers").read_text().split())
    except OSError:
        return set()


def _enable_cpu(cgroup: Path) -> None:
    """Enable the cpu controller for ``cgroup``'s children (``+cpu`` in cgroup.subtree_control).

    Raises:
        PartitionStateError: it cannot be enabled (permission, processes in ``cgroup``).
    """
    control = cgroup / "cgroup.subtree_control"
    with contextlib.suppress(OSError):
        if "cpu" in control.read_text().split():
            return
    try:
        control.write_text("+cpu")
    except OSError as e:
        raise PartitionStateError(f"CPU limits: cannot enable the cpu controller in {cgroup} "
                                  f"({e.strerror or e}); {_HELP}") from None


def base(mounts: Path = MOUNTS) -> Path:
    """The cgroup partitions' cgroups are created in, ready to take them (cpu enabled for children).

    Raises:
        PartitionStateError: no cgroup v2, no cpu controller in it, or no
            permission to create cgroups there (the message says what to do).
    """
    explicit = os.environ.get(ROOT_ENV)
    if explicit:
        where = Path(explicit)
        if "cpu" not in _controllers(where):
            raise PartitionStateError(f"CPU limits: {ROOT_ENV}={where} is not a cgroup v2 directory with the "
                                      "cpu controller available (see its cgroup.controllers)")
        _enable_cpu(where)
        return where
    mount = _cgroup2_mount(mounts)
    if mount is None:
        raise PartitionStateError(f"CPU limits need cgroup v2, and this host has none mounted; {_HELP}")
    if "cpu" not in _controllers(mount):
        raise PartitionStateError(f"CPU limits need the cgroup v2 cpu controller, which {mount} does not offer "
                                  f"(a hybrid cgroup v1/v2 host keeps cpu on v1); {_HELP}")
    _enable_cpu(mount)
    where = mount / "drift"
    try:
        where.mkdir(exist_ok=True)
    except OSError as e:
        raise PartitionStateError(f"CPU limits: cannot create the cgroup {where} ({e.strerror or e}); "
                                  f"run as root or {_HELP}") from None
    _enable_cpu(where)
    return where


def create(parent: Path, name: str, limits: CpuLimits) -> Path:
    """Create ``parent/name`` and write the limits into it; return its path.

    Raises:
        PartitionStateError: the cgroup cannot be created or a limit is refused.
    """
    cgroup = parent / name
    try:
        cgroup.mkdir(exist_ok=True)
    except OSError as e:
        raise PartitionStateError(f"CPU limits: cannot create the cgroup {cgroup} ({e.strerror or e})") from None
    for key, value in settings(limits).items():
        try:
            (cgroup / key).write_text(value)
        except OSError as e:
            remove(cgroup)
            raise PartitionStateError(f"CPU limits: the kernel refused {key} = {value!r} in {cgroup} "
                                      f"({e.strerror or e})") from None
    return cgroup


def attach(cgroup: Path, pid: int) -> None:
    """Move process ``pid`` (all its threads) into ``cgroup``.

    Raises:
        PartitionStateError: the kernel refused the move.
    """
    try:
        (cgroup / "cgroup.procs").write_text(str(pid))
    except OSError as e:
        raise PartitionStateError(f"CPU limits: cannot move process {pid} into {cgroup} ({e.strerror or e})") from None


def remove(cgroup: Path) -> None:
    """Remove a partition's cgroup once its processes are gone (best effort, never raises)."""
    with contextlib.suppress(OSError):
        cgroup.rmdir()
