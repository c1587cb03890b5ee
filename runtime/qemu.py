"""Booting an image under QEMU in the foreground (``drift run``).

The program's stdout (x86_64: COM1; aarch64: the PL011) and stderr (COM2; a
``pci-serial`` in PCI slot 1) reach the host through two pipes handed to QEMU
as ``file`` chardevs on ``/dev/fd/N``; both are streamed to the caller's
binary streams as data arrives.  QEMU's own messages are captured
separately, for errors.  The guest's exit status comes back as QEMU's exit
code ``2*status+1``: through ``isa-debug-exit`` on x86_64, Arm semihosting
(``SYS_EXIT_EXTENDED``) on aarch64.

The command line is hardened: no default devices, no user config, no
display, no network, nothing listening, and a seccomp sandbox when QEMU has
one.  See ``docs/guest-abi.md``.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import selectors
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import AccelError, LaunchError, ToolMissingError

#: The machines Drift boots each architecture on; the first is the default.
ARCH_MACHINES: dict[str, tuple[str, ...]] = {"x86_64": ("microvm", "q35"), "aarch64": ("virt",)}
#: Every machine, whatever the architecture.
MACHINES = tuple(m for machines in ARCH_MACHINES.values() for m in machines)
QBOOT_ROM = Path("/usr/share/qemu/qboot.rom")
#: The seccomp policy asked of QEMU: no obsolete syscalls, no setuid, no
#: fork/exec, no scheduler/affinity changes.
SANDBOX = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"
#: Debian/Ubuntu packages providing ``qemu-system-<arch>``.
_APT_PACKAGES = {"x86_64": "qemu-system-x86", "aarch64": "qemu-system-arm"}
_MACHINE_OPTIONS = {"microvm": "microvm,x-option-roms=off,rtc=on", "q35": "q35", "virt": "virt"}
#: virt's interrupt controller: the guest drives GICv2 and GICv3 (whichever the device tree names);
#: under KVM it must be the host's.
_GIC = {"tcg": "gic-version=2", "kvm": "gic-version=host"}
_CPU = {"tcg": "max", "kvm": "host"}
#: aarch64: the PCI slots of the two extra 16550s (``pci-serial``), as guest/arch/aarch64/arch.h has them.
PCI_SLOT_STDERR, PCI_SLOT_CHANNEL = 1, 2
#: aarch64: semihosting, for SYS_EXIT_EXTENDED only (docs/guest-abi.md).
SEMIHOSTING = "enable=on,target=native"
_PROBE_TIMEOUT_S = 10.0
_CHUNK = 65536
#: After QEMU reports a KVM internal error it pauses the guest forever; give
#: it this long to finish printing, then kill it.
_KVM_ERROR_GRACE_S = 0.5
_KVM_ERROR = b"KVM internal error"


@dataclass(frozen=True)
class QemuConfig:
    """How to boot one image.

    ``accel`` is already resolved (``kvm`` or ``tcg``, see
    :func:`runtime.accel.resolve`); ``binary`` overrides the QEMU lookup.
    """

    image: Path
    arch: str = "x86_64"
    machine: str | None = None  # None: the architecture's default (resolve_machine)
    accel: str = "tcg"
    memory_mib: int = 8
    append: str = ""
    binary: str | None = None
    cpus: int = 1
    #: Guest RAM (see :data:`RAM_KINDS`): ``anon``, anonymous memory in a QEMU started with
    #: transparent huge pages off (:func:`thp_disabled`), so an idle guest costs only the pages
    #: it touched and a migration's first pass reads untouched pages as the shared zero page
    #: without allocating them; ``memfd``, a memfd (a read allocates: after a move the whole
    #: RAM is resident); ``qemu``, QEMU's default (anonymous RAM with huge pages, no named
    #: backend, so it cannot migrate to the others). docs/benchmarks.md, density.
    ram: str = "anon"
    #: TCG translation-buffer size in MiB (None: QEMU's default).
    tb_size_mib: int | None = None
    #: Extra ``-device`` arguments (e.g. a ``loader`` putting a VM snapshot in guest RAM).
    devices: tuple[str, ...] = ()


#: The kinds of guest RAM (:attr:`QemuConfig.ram`).
RAM_KINDS = ("anon", "memfd", "qemu")
_PR_SET_THP_DISABLE = 41
_thp_lock = threading.Lock()


def ram_backend(cfg: QemuConfig) -> str:
    """The ``-object`` argument of the guest RAM's backend (``id=ram``) for ``cfg.ram``."""
    kind = "ram" if cfg.ram == "anon" else "memfd"
    return f"memory-backend-{kind},id=ram,size={cfg.memory_mib}M"


@contextlib.contextmanager
def thp_disabled(on: bool = True) -> Iterator[None]:
    """Within this block, processes started get transparent huge pages off (Linux
    ``PR_SET_THP_DISABLE``, inherited across fork and exec; QEMU asks for huge pages with
    ``madvise``).  The flag is this process's own for that time; it is cleared afterwards.
    Does nothing when ``on`` is false or the kernel lacks the call."""
    if not on:
        yield
        return
    with _thp_lock:
        prctl = _prctl()
        if prctl is not None:
            prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)
        try:
            yield
        finally:
            if prctl is not None:
                prctl(_PR_SET_THP_DISABLE, 0, 0, 0, 0)


@functools.cache
def _prctl() -> Callable[..., int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


@dataclass(frozen=True)
class Control:
    """The extra endpoints of a partition run in the background (paths as QEMU sees them).

    ``qmp_socket``: the QMP monitor, a Unix socket QEMU listens on;
    ``channel_socket``/``channel_log``: COM3 (0x3e8, irq 4), the host channel,
    served on a Unix socket, everything the guest sends also logged to a file;
    ``name``: the guest's name (QMP ``query-name``; QEMU's thread name).
    """

    qmp_socket: str
    channel_socket: str
    channel_log: str
    name: str


@dataclass(frozen=True)
class RunResult:
    """The outcome of a foreground run."""

    status: int  # the guest program's exit status
    wall_s: float  # QEMU's start to its exit
    command: list[str]  # the QEMU command line that ran
    qemu_stderr: str  # QEMU's own messages (usually empty)


# ---- the command line ----------------------------------------------------------


def qemu_binary(cfg: QemuConfig) -> str:
    """The QEMU executable for ``cfg`` (``cfg.binary``, else ``qemu-system-<arch>`` on PATH).

    Raises:
        ToolMissingError: it is not installed (the message names the apt package).
    """
    name = cfg.binary or f"qemu-system-{cfg.arch}"
    found = shutil.which(name)
    if found is None:
        package = _APT_PACKAGES.get(cfg.arch, f"qemu-system-{cfg.arch}")
        raise ToolMissingError(f"{name} is not installed: `sudo apt-get install {package}` (or run scripts/setup)")
    return found


@functools.cache
def sandbox_supported(binary: str) -> bool:
    """Whether ``binary`` accepts ``-sandbox`` with Drift's policy (probed once, cached).

    A QEMU without seccomp support, or a host where the filter cannot be
    installed, answers False; nothing raises.
    """
    probe = [binary, "-sandbox", SANDBOX, "-M", "none", "-nodefaults", "-no-user-config",
             "-display", "none", "-S", "-qmp", "stdio"]
    qmp = b'{"execute": "qmp_capabilities"}\n{"execute": "quit"}\n'
    try:
        proc = subprocess.run(probe, input=qmp, capture_output=True, timeout=_PROBE_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def resolve_machine(arch: str, machine: str | None) -> str:
    """The machine to boot an ``arch`` image on: ``machine``, or the architecture's default if None.

    Raises:
        LaunchError: an architecture Drift cannot run, or a machine that is not one for it.
    """
    machines = ARCH_MACHINES.get(arch)
    if machines is None:
        raise LaunchError(f"running {arch} images is not supported (only {', '.join(ARCH_MACHINES)})")
    if machine is None:
        return machines[0]
    if machine not in machines:
        raise LaunchError(f"machine {machine!r} cannot run {arch} images: use {' or '.join(machines)}")
    return machine


def _machine_args(cfg: QemuConfig) -> list[str]:
    """``-M`` (and for q35 ``-bios``) for the configured machine.

    Raises:
        LaunchError: an unknown machine, or one that is not for the image's architecture.
    """
    if cfg.machine is not None and cfg.machine not in MACHINES:
        raise LaunchError(f"unknown machine {cfg.machine!r}: use one of {', '.join(MACHINES)}")
    machine = resolve_machine(cfg.arch, cfg.machine)
    options = _MACHINE_OPTIONS[machine]
    if machine == "virt":
        options += "," + _GIC.get(cfg.accel, _GIC["tcg"])
    args = ["-M", options]
    if machine == "q35":
        args += ["-bios", str(QBOOT_ROM)]
    return args


def _serial_args(cfg: QemuConfig, stdout_path: str, stderr_path: str) -> list[str]:
    """Chardevs and UARTs: stdout -> ``stdout_path``, stderr -> ``stderr_path``.

    x86_64: COM1 (0x3f8) and COM2 (0x2f8); microvm makes only COM1 from
    ``-serial``, so COM2 is an explicit isa-serial device there (on q35 too:
    one form for both).  aarch64: virt's PL011 and a ``pci-serial`` in PCI slot 1.
    """
    err = ("-device", f"pci-serial,chardev=err,addr={PCI_SLOT_STDERR}") if cfg.arch == "aarch64" else \
        ("-device", "isa-serial,chardev=err,iobase=0x2f8,irq=3")
    return ["-chardev", f"file,id=out,path={stdout_path},append=on",
            "-chardev", f"file,id=err,path={stderr_path},append=on",
            "-serial", "chardev:out", *err]


def _exit_args(cfg: QemuConfig) -> list[str]:
    """How the guest reports its status as QEMU's exit code: isa-debug-exit, or semihosting."""
    if cfg.arch == "aarch64":
        return ["-semihosting-config", SEMIHOSTING]
    return ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]


def _control_args(control: Control, paused: bool, arch: str = "x86_64") -> list[str]:
    """QMP, the channel UART (x86_64: COM3; aarch64: a pci-serial in PCI slot 2) and the guest's
    name; ``-S`` to start with the CPUs stopped."""
    uart = f"pci-serial,chardev=ch,addr={PCI_SLOT_CHANNEL}" if arch == "aarch64" else \
        "isa-serial,chardev=ch,iobase=0x3e8,irq=4"
    args = ["-name", f"guest={control.name},process=drift:{control.name}",
            "-qmp", f"unix:{control.qmp_socket},server=on,wait=off",
            "-chardev", f"socket,id=ch,path={control.channel_socket},server=on,wait=off,"
                        f"logfile={control.channel_log},logappend=on",
            "-device", uart]
    return [*args, "-S"] if paused else args


def check_resources(memory_mib: int, cpus: int) -> None:
    """Check the memory and CPU count asked for (every backend uses this).

    Raises:
        LaunchError: memory below 1 MiB or fewer than 1 CPU.
    """
    if memory_mib < 1:
        raise LaunchError(f"memory must be at least 1 MiB (got {memory_mib})")
    if cpus < 1:
        raise LaunchError(f"a partition needs at least 1 CPU (got {cpus})")


def _check(cfg: QemuConfig) -> None:
    """Check the resources asked for.

    Raises:
        AccelError: ``cfg.accel`` is not a resolved accelerator (kvm/tcg).
        LaunchError: an unknown ``cfg.ram``; see :func:`check_resources`.
    """
    if cfg.accel not in _CPU:
        raise AccelError(f"accelerator {cfg.accel!r} is not resolved: expected kvm or tcg")
    if cfg.ram not in RAM_KINDS:
        raise LaunchError(f"unknown guest RAM kind {cfg.ram!r}: expected one of {', '.join(RAM_KINDS)}")
    check_resources(cfg.memory_mib, cfg.cpus)


def command_line(cfg: QemuConfig, *, stdout_path: str, stderr_path: str,
                 control: Control | None = None, paused: bool = False) -> list[str]:
    """The full QEMU command for ``cfg``, with the program's output files given.

    ``control`` adds what a background partition needs (QMP, the channel on
    COM3, see :class:`Control`); ``paused`` starts it with its CPUs stopped
    (QMP ``cont`` starts them).

    Raises:
        ToolMissingError: QEMU is not installed.
        AccelError: ``cfg.accel`` is not a resolved accelerator (kvm/tcg).
        LaunchError: unknown machine, unsupported architecture, bad memory size
            or CPU count.
    """
    _check(cfg)
    binary = qemu_binary(cfg)
    cmd = [binary, *_machine_args(cfg), "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"]
    if sandbox_supported(binary):
        cmd += ["-sandbox", SANDBOX]
    accel = cfg.accel if cfg.accel != "tcg" or cfg.tb_size_mib is None else f"tcg,tb-size={cfg.tb_size_mib}"
    cmd += ["-accel", accel, "-cpu", _CPU[cfg.accel], "-m", f"{cfg.memory_mib}M"]
    if cfg.ram != "qemu":
        cmd += ["-object", ram_backend(cfg), "-machine", "memory-backend=ram"]
    if cfg.cpus > 1:
        cmd += ["-smp", str(cfg.cpus)]
    cmd += _serial_args(cfg, stdout_path, stderr_path)
    if control is not None:
        cmd += _control_args(control, paused, cfg.arch)
    cmd += [*_exit_args(cfg), "-kernel", str(cfg.image)]
    for device in cfg.devices:
        cmd += ["-device", device]
    if cfg.append:
        cmd += ["-append", cfg.append]
    return cmd


def incoming_command(command: Sequence[str], prefix: Sequence[str] = ()) -> list[str]:
    """A running partition's QEMU ``command`` made into its live-migration destination's.

    The same machine and devices, run under ``prefix`` (e.g. ``ip netns exec NS``), with
    ``-incoming defer`` (QMP ``migrate-incoming`` gives the address) and without ``-S``:
    the destination runs the guest as soon as the migration completes (or stays paused if
    the source was paused).  The channel's log is appended to, never truncated, so one
    ``channel.log`` continues across the move (``stdout``/``stderr`` logs are appended anyway).
    ``command`` is QEMU's own command line (no host prefix); a previous ``-incoming`` goes.
    """
    out = [*prefix]
    args = iter(command)
    for arg in args:
        if arg == "-incoming":  # the source was a destination itself
            next(args, None)
            continue
        if arg == "-S":
            continue
        if arg.startswith("socket,id=ch,") and "logappend=" not in arg:
            arg += ",logappend=on"
        out.append(arg)
    return [*out, "-incoming", "defer"]


def print_cmdline(cfg: QemuConfig) -> str:
    """The command as one shell-quoted line (stdout/stderr to the terminal's), for ``--print-cmdline``.

    Raises:
        As :func:`command_line`.
    """
    return shlex.join(command_line(cfg, stdout_path="/dev/stdout", stderr_path="/dev/stderr"))


# ---- running ------------------------------------------------------------------------


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that has the child killed when this process dies (Linux), or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)

    return preexec


def _spawn(cmd: list[str], pass_fds: tuple[int, ...]) -> subprocess.Popen[bytes]:
    """Start QEMU; its own stdout and stderr go to one pipe.

    Raises:
        LaunchError: it cannot be executed.
    """
    try:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                pass_fds=pass_fds, preexec_fn=_die_with_parent())
    except OSError as e:
        raise LaunchError(f"cannot start {cmd[0]}: {e.strerror or e}") from None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill QEMU (if still running) and reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    proc.wait()


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _pump(sources: dict[int, BinaryIO | None], deadline: float | None) -> tuple[bytes, bool]:
    """Copy each readable fd to its stream (None: capture) until all reach EOF.

    Returns the captured bytes and whether it stopped early: at ``deadline``,
    or shortly after QEMU reported a KVM internal error (it then hangs).
    """
    captured = bytearray()
    with selectors.DefaultSelector() as sel:
        for fd, stream in sources.items():
            sel.register(fd, selectors.EVENT_READ, stream)
        while sel.get_map():
            left = _remaining(deadline)
            if left == 0.0:
                return bytes(captured), True
            for key, _ in sel.select(left):
                data = os.read(key.fd, _CHUNK)
                if not data:
                    sel.unregister(key.fd)
                elif key.data is None:
                    captured += data
                    if _KVM_ERROR in captured:
                        grace = time.monotonic() + _KVM_ERROR_GRACE_S
                        deadline = grace if deadline is None else min(deadline, grace)
                else:
                    key.data.write(data)
                    key.data.flush()
    return bytes(captured), False


def _status(rc: int, qemu_text: str) -> int:
    """The guest status encoded in QEMU's exit code.

    Raises:
        LaunchError: QEMU died of a signal, failed by itself, or exited
            without the guest writing a status (even exit code).
    """
    detail = f":\n{qemu_text.rstrip()}" if qemu_text.strip() else ""
    if rc < 0:
        name = signal.Signals(-rc).name if -rc in signal.valid_signals() else str(-rc)
        raise LaunchError(f"QEMU was killed by {name} before the guest reported a status{detail}")
    own_errors = [line for line in qemu_text.splitlines() if line.strip() and "warning:" not in line]
    if rc % 2 == 0 or (rc == 1 and own_errors):
        raise LaunchError(f"QEMU exited ({rc}) without a guest status (it failed to start the guest, "
                          f"or the guest stopped without reporting one){detail}")
    return (rc - 1) // 2


def _early_stop_error(qemu_text: str, timeout: float | None) -> LaunchError:
    """The error for a run stopped before QEMU exited by itself."""
    if _KVM_ERROR.decode() in qemu_text:
        return LaunchError("QEMU hit a KVM internal error and was killed; try --accel tcg:\n" + qemu_text.rstrip())
    detail = f"\nQEMU said:\n{qemu_text.rstrip()}" if qemu_text.strip() else ""
    return LaunchError(f"the guest did not finish within {timeout:g} s; QEMU was killed{detail}")


def _supervise(proc: subprocess.Popen[bytes], outputs: dict[int, BinaryIO],
               deadline: float | None, timeout: float | None) -> tuple[int, str]:
    """Stream QEMU's output until it exits; return (exit code, QEMU's own text).

    Raises:
        LaunchError: the deadline passed or QEMU hit a KVM internal error.
    """
    if proc.stdout is None:
        raise LaunchError("internal error: QEMU's own output is not captured")
    captured, stopped = _pump({**outputs, proc.stdout.fileno(): None}, deadline)
    qemu_text = captured.decode(errors="replace")
    if stopped:
        raise _early_stop_error(qemu_text, timeout)
    try:
        return proc.wait(_remaining(deadline)), qemu_text
    except subprocess.TimeoutExpired:
        raise _early_stop_error(qemu_text, timeout) from None


def run(cfg: QemuConfig, *, stdout: BinaryIO, stderr: BinaryIO, timeout: float | None) -> RunResult:
    """Boot ``cfg.image`` and stream the program's stdout/stderr until it exits.

    QEMU never outlives this call: it is killed on timeout, on any exception
    (including KeyboardInterrupt, which is re-raised) and, through
    ``PR_SET_PDEATHSIG``, if this process dies.

    Raises:
        ToolMissingError: QEMU is not installed.
        AccelError, LaunchError: see :func:`command_line`.
        LaunchError: QEMU cannot start, fails, dies, exits without a guest
            status, hits a KVM internal error, or the run exceeds ``timeout``
            seconds.
    """
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        try:
            cmd = command_line(cfg, stdout_path=f"/dev/fd/{out_w}", stderr_path=f"/dev/fd/{err_w}")
            deadline = None if timeout is None else time.monotonic() + timeout
            start = time.monotonic()
            proc = _spawn(cmd, (out_w, err_w))
        finally:
            os.close(out_w)  # QEMU holds its own copies: EOF comes when it exits
            os.close(err_w)
        try:
            rc, qemu_text = _supervise(proc, {out_r: stdout, err_r: stderr}, deadline, timeout)
        finally:
            _kill(proc)
            if proc.stdout is not None:
                proc.stdout.close()
        wall = time.monotonic() - start
    finally:
        os.close(out_r)
        os.close(err_r)
    try:
        status = _status(rc, qemu_text)
    except LaunchError as e:
        if cfg.accel == "kvm":
            raise LaunchError(f"{e.message}\n(this happened under KVM: try --accel tcg)") from None
        raise
    return RunResult(status=status, wall_s=wall, command=cmd, qemu_stderr=qemu_text)
