"""The x86_64 guest under QEMU (TCG): boot, console, exit status, crash
reports, rejected bytecode, memory, both machines, the plain command line."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_tool

from runtime import bcformat, image
from runtime.compiler import compile_source
from runtime.compiler.codegen import Compiler
from runtime.status import STATUS

HELLO = Path(__file__).resolve().parent.parent / "images" / "hello"


def drift(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runtime", *args], capture_output=True, text=True, timeout=timeout)


def plain_qemu(kernel: Path, *extra: str, memory: str = "16M", machine: str = "microvm") -> list[str]:
    """The documented plain command line (docs/guest-abi.md), stdout on COM1, stderr on COM2."""
    m = ["-M", "microvm,x-option-roms=off,rtc=off"] if machine == "microvm" else \
        ["-M", "q35", "-bios", "/usr/share/qemu/qboot.rom"]
    return [need_tool("qemu-system-x86_64"), *m, "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
            "-m", memory, "-cpu", "max", "-accel", "tcg", "-chardev", "stdio,id=out", "-serial", "chardev:out",
            "-chardev", "file,id=err,path=/dev/stderr",
            "-device", "isa-serial,chardev=err,iobase=0x2f8,irq=3",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", str(kernel), *extra]


@pytest.fixture(scope="module")
def hello(kernel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("img") / "hello.elf"
    r = drift("build", str(HELLO), "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


def image_of(kernel: Path, tmp: Path, src: str) -> Path:
    out = tmp / "app.elf"
    image.embed(kernel, compile_source(src, "app.py"), out)
    return out


@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_hello_boots(hello: Path, machine: str) -> None:
    r = drift("run", "--accel", "tcg", "--machine", machine, str(hello))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Hello, Drift!\n")
    assert r.stderr == ""


def test_hello_in_4_mib(hello: Path) -> None:
    r = drift("run", "--accel", "tcg", "--memory", "4", str(hello))
    assert (r.returncode, r.stdout.splitlines()[0]) == (0, "Hello, Drift!"), r.stderr


#: The size budget of images/hello.  Issue 2's goal was 64 KiB, met by the
#: vertical slice; the full language (issue 3) does not fit it: see
#: docs/benchmarks.md for the figure and the options weighed.  This budget
#: catches accidental bloat.
IMAGE_BUDGET = 256 * 1024


def test_image_is_small(hello: Path) -> None:
    assert hello.stat().st_size <= IMAGE_BUDGET


def test_stdout_and_stderr_apart_and_status(kernel: Path, tmp_path: Path) -> None:
    img = image_of(kernel, tmp_path, "print('out')\nx = [1]\nprint(x[3])\n")
    r = subprocess.run(plain_qemu(img), capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 * STATUS["EXCEPTION"] + 1
    assert r.stdout == "out\n"
    assert r.stderr.endswith("IndexError: list index out of range\n")
    assert 'File "app.py", line 3, in <module>' in r.stderr


def test_plain_command_line_on_q35(kernel: Path, tmp_path: Path) -> None:
    img = image_of(kernel, tmp_path, "print(sum([1, 2, 3]))\n")
    r = subprocess.run(plain_qemu(img, machine="q35"), capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (1, "6\n"), r.stderr


@pytest.mark.parametrize("fault,name", [("ud", "#UD"), ("gp", "#GP"), ("pf", "#PF"), ("de", "#DE"),
                                        ("df", "#DF"), ("stack", ""), ("overflow", "stack overflow")])
def test_cpu_fault_gives_crash_report(hello: Path, fault: str, name: str) -> None:
    r = subprocess.run(plain_qemu(hello, "-append", f"drift.fault={fault}"), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 * STATUS["CPUFAULT"] + 1, r.stderr
    assert "rip 0x" in r.stderr and name in r.stderr, r.stderr
    assert r.stdout == ""


def test_bad_bytecode_is_rejected_in_the_guest(kernel: Path, tmp_path: Path) -> None:
    prog = Compiler("app.py").module(ast.parse("print(1)\n"))
    prog.functions[0].code[0] = 0xFE                           # an unknown opcode, with a valid hash
    img = tmp_path / "bad.elf"
    image.embed(kernel, bcformat.write(prog), img)
    r = subprocess.run(plain_qemu(img), capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 * STATUS["BADCODE"] + 1
    assert r.stderr.startswith("drift: bytecode rejected: ")


def test_kernel_without_program(kernel: Path) -> None:
    r = subprocess.run(plain_qemu(kernel), capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 * STATUS["NOPAYLOAD"] + 1
    assert "no program" in r.stderr


def test_guest_timing_is_reported(hello: Path) -> None:
    r = subprocess.run(plain_qemu(hello, "-append", "drift.timing"), capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "entry_to_bytecode_ns=" in r.stderr


def test_gc_keeps_a_4_mib_guest_alive(kernel: Path, tmp_path: Path) -> None:
    src = "s = 0\nfor i in range(20000):\n    t = [i, str(i)]\n    s += len(t[1])\nprint(s)\n"
    img = image_of(kernel, tmp_path, src)
    r = subprocess.run(plain_qemu(img, memory="4M"), capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (1, "88890\n"), r.stderr
