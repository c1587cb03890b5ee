"""The aarch64 guest under QEMU's virt machine (TCG): the whole differential
corpus with output identical to CPython (and so to x86_64), exit statuses,
crash reports, memory, the plain command line, and the host channel through
a detached partition (kvstore with drift request)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROGRAMS, need_tool
from test_programs import ALL, _last_line, cpython, cpython_traceback

from runtime import build, image, qemu
from runtime.compiler import compile_file, compile_source
from runtime.status import STATUS

ROOT = Path(__file__).resolve().parent.parent
QEMU = "qemu-system-aarch64"
#: The corpus runs this many guests at once (the machine has 2 cores).
WORKERS = 2


def drift(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runtime", *args], capture_output=True, text=True,
                          timeout=timeout, env=os.environ.copy())


@pytest.fixture(scope="module")
def a64_kernel() -> Path:
    """The aarch64 kernel, built if needed (needs the cross compiler and QEMU)."""
    need_tool(QEMU)
    need_tool("aarch64-linux-gnu-gcc")
    return build.kernel("aarch64")


def plain_qemu(kernel: Path, *extra: str, memory: str = "16M", err: str = "/dev/stderr") -> list[str]:
    """The documented plain command line (docs/guest-abi.md): stdout on the PL011, stderr on pci-serial."""
    return [need_tool(QEMU), "-M", "virt", "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
            "-m", memory, "-cpu", "max", "-accel", "tcg", "-semihosting-config", "enable=on,target=native",
            "-chardev", "stdio,id=out", "-serial", "chardev:out",
            "-chardev", f"file,id=err,path={err}", "-device", "pci-serial,chardev=err,addr=1",
            "-kernel", str(kernel), *extra]


def image_of(kernel: Path, tmp: Path, src: str, name: str = "app") -> Path:
    out = tmp / f"{name}.elf"
    image.embed(kernel, compile_source(src, "app.py"), out, arch="aarch64")
    return out


def run_plain(cmd: list[str], tmp: Path) -> tuple[int, str, str]:
    """(QEMU's exit code, stdout, stderr) of a plain command line whose stderr chardev is tmp/err."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    err = tmp / "err"
    return p.returncode, p.stdout, (err.read_text() if err.exists() else "") + p.stderr


# ---- the corpus ------------------------------------------------------------------------


def _boot(kernel: Path, program: Path, folder: Path) -> tuple[bytes, int, bytes]:
    """Run one corpus program in the aarch64 guest with Drift's own QEMU command line."""
    img = folder / f"{program.stem}.elf"
    image.embed(kernel, compile_file(str(program)), img, arch="aarch64")
    out, err = folder / f"{program.stem}.out", folder / f"{program.stem}.err"
    cfg = qemu.QemuConfig(image=img, arch="aarch64", accel="tcg", memory_mib=build.DEFAULT_MEMORY_MIB)
    cmd = qemu.command_line(cfg, stdout_path=str(out), stderr_path=str(err))
    p = subprocess.run(cmd, capture_output=True, timeout=120, cwd=folder)
    assert p.returncode % 2 == 1, p.stdout + p.stderr
    return out.read_bytes(), (p.returncode - 1) // 2, err.read_bytes()


@pytest.fixture(scope="module")
def corpus(a64_kernel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[bytes, int, bytes]]]:
    """Every corpus program booted on aarch64, WORKERS at a time (CPython's answers computed
    alongside, as QEMU waits on I/O); the wall time is printed."""
    folder = tmp_path_factory.mktemp("a64corpus")
    start = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        expected = pool.map(cpython, ALL)
        results = dict(zip((p.stem for p in ALL), pool.map(lambda p: _boot(a64_kernel, p, folder), ALL),
                           strict=True))
        list(expected)
    print(f"\naarch64 corpus: {len(ALL)} programs in {time.monotonic() - start:.1f} s ({WORKERS} at a time)")
    yield results


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_corpus_matches_cpython(path: Path, corpus: dict[str, tuple[bytes, int, bytes]]) -> None:
    out, rc, err = corpus[path.stem]
    want_out, want_rc, want_last = cpython(path)
    assert out.decode() == want_out.decode(), err.decode()
    assert rc == want_rc, err.decode()
    assert _last_line(err) == want_last
    if rc == 1 and cpython_traceback(path):  # not after sys.exit("message")
        assert err.startswith(b"Traceback (most recent call last):\n")


def test_corpus_is_the_whole_corpus() -> None:
    assert len(ALL) == len(list(PROGRAMS.glob("*.py"))) >= 60


# ---- the CLI ---------------------------------------------------------------------------


def test_build_records_the_arch_and_run_picks_virt(a64_kernel: Path, tmp_path: Path) -> None:
    out = tmp_path / "hello.elf"
    r = drift("build", "--arch", "aarch64", "--json", str(ROOT / "images" / "hello"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["arch"] == "aarch64"
    assert image.load_manifest(out) is not None
    cmdline = drift("run", "--print-cmdline", str(out)).stdout
    assert cmdline.startswith(need_tool(QEMU) + " -M virt,") and "pci-serial" in cmdline
    r = drift("run", str(out))
    assert (r.returncode, r.stdout.splitlines()[0], r.stderr) == (0, "Hello, Drift!", "")
    r = drift("run", "--machine", "q35", str(out))
    assert r.returncode == 71 and "cannot run aarch64" in r.stderr


def test_run_a_py_for_aarch64_reports_the_status(a64_kernel: Path, tmp_path: Path) -> None:
    src = tmp_path / "st.py"
    src.write_text("print('out')\nx = [1]\nprint(x[3])\n")
    r = drift("run", "--arch", "aarch64", str(src))
    assert (r.returncode, r.stdout) == (STATUS["EXCEPTION"], "out\n")
    assert r.stderr.endswith("IndexError: list index out of range\n")
    assert 'File "st.py", line 3, in <module>' in r.stderr
    src.write_text("import sys\nprint('out')\nsys.exit(7)\n")
    r = drift("run", "--arch", "aarch64", str(src))
    assert (r.returncode, r.stdout, r.stderr) == (7, "out\n", "")


def test_memory_option(a64_kernel: Path, tmp_path: Path) -> None:
    src = tmp_path / "big.py"
    src.write_text("x = []\nfor i in range(8000):\n    x.append('y' * 1000)\nprint(len(x))\n")
    r = drift("run", "--arch", "aarch64", "--memory", "32", str(src))
    assert (r.returncode, r.stdout) == (0, "8000\n"), r.stderr
    r = drift("run", "--arch", "aarch64", "--memory", "4", str(src))
    assert r.returncode == STATUS["EXCEPTION"] and r.stderr.endswith("MemoryError\n"), r.stderr
    hello = ROOT / "images" / "hello" / "hello.py"
    assert drift("run", "--arch", "aarch64", "--memory", "3", str(hello)).returncode == 0


# ---- the plain command line: statuses and crash reports ---------------------------------


def test_plain_command_line_statuses(a64_kernel: Path, tmp_path: Path) -> None:
    img = image_of(a64_kernel, tmp_path, "print(sum([1, 2, 3]))\n")
    rc, out, _ = run_plain(plain_qemu(img), tmp_path)
    assert (rc, out) == (1, "6\n")
    rc, _, err = run_plain(plain_qemu(a64_kernel, err=str(tmp_path / "err")), tmp_path)
    assert rc == 2 * STATUS["NOPAYLOAD"] + 1 and "no program" in err


@pytest.mark.parametrize("fault,name", [("ud", "undefined instruction"), ("pf", "translation fault, level 0"),
                                        ("brk", "BRK instruction"), ("stack", "data abort"),
                                        ("overflow", "(stack overflow)")])
def test_cpu_fault_gives_crash_report(a64_kernel: Path, tmp_path: Path, fault: str, name: str) -> None:
    img = image_of(a64_kernel, tmp_path, "print('never')\n")
    rc, out, err = run_plain(plain_qemu(img, "-append", f"drift.fault={fault}", err=str(tmp_path / "err")),
                             tmp_path)
    assert rc == 2 * STATUS["CPUFAULT"] + 1, err
    assert err.startswith("drift: CPU fault: synchronous exception: "), err
    assert name in err and "elr 0x" in err and "esr 0x" in err and "x30 0x" in err, err
    assert out == ""


def test_guest_timing_is_reported(a64_kernel: Path, tmp_path: Path) -> None:
    img = image_of(a64_kernel, tmp_path, "print(1)\n")
    rc, _, err = run_plain(plain_qemu(img, "-append", "drift.timing", err=str(tmp_path / "err")), tmp_path)
    assert rc == 1 and "entry_to_bytecode_ns=" in err and "cnt_hz=" in err, err


@pytest.mark.parametrize("gic", ["2", "3"])
def test_sleep_idles_the_cpu(a64_kernel: Path, tmp_path: Path, gic: str) -> None:
    """time.sleep waits with wfi on the virtual timer: QEMU's CPU time stays far below the time slept."""
    img = image_of(a64_kernel, tmp_path, "import time\nt = time.monotonic()\ntime.sleep(1.5)\n"
                                         "print(time.monotonic() - t >= 1.5)\n")
    cmd = plain_qemu(img)
    cmd[cmd.index("virt")] = f"virt,gic-version={gic}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert run_plain(cmd, tmp_path)[:2] == (1, "True\n")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert cpu < 0.75, f"QEMU used {cpu:.2f} s of CPU for a 1.5 s sleep"


def test_gic_v3_and_without_semihosting(a64_kernel: Path, tmp_path: Path) -> None:
    """GICv3 (KVM hosts) boots the same; without semihosting the guest powers off by PSCI."""
    img = image_of(a64_kernel, tmp_path, "print('ok')\n")
    cmd = plain_qemu(img)
    cmd[cmd.index("virt")] = "virt,gic-version=3"
    assert run_plain(cmd, tmp_path)[:2] == (1, "ok\n")
    at = cmd.index("-semihosting-config")
    del cmd[at:at + 2]
    assert run_plain(cmd, tmp_path)[:2] == (0, "ok\n")


# ---- a partition: the channel ------------------------------------------------------------


def test_kvstore_partition_over_the_channel(a64_kernel: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFT_STATE_DIR", str(tmp_path / "state"))
    img = tmp_path / "kv.elf"
    assert drift("build", "--arch", "aarch64", str(ROOT / "images" / "kvstore"), "-o", str(img)).returncode == 0
    r = drift("run", str(img), "--detach", "--name", "kv64")
    assert r.returncode == 0, r.stderr
    try:
        assert drift("recv", "kv64", "--wait", "20").stdout == "READY\n"
        assert drift("request", "kv64", "PUT greeting hello there").stdout == "OK\n"
        assert drift("request", "kv64", "GET greeting").stdout == "OK hello there\n"
        info = json.loads(drift("inspect", "kv64", "--json").stdout)
        assert (info["arch"], info["state"], info["extra"]["machine"]) == ("aarch64", "running", "virt")
        ticks = _cpu_ticks(info["pid"])
        time.sleep(1.0)
        assert _cpu_ticks(info["pid"]) - ticks <= 5, "an idle aarch64 guest waiting on the channel uses CPU"
        assert drift("pause", "kv64").returncode == 0
        assert drift("resume", "kv64").returncode == 0
        assert drift("request", "kv64", "QUIT").stdout == "BYE\n"
        deadline = time.monotonic() + 20
        while json.loads(drift("inspect", "kv64", "--json").stdout)["state"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        info = json.loads(drift("inspect", "kv64", "--json").stdout)
        assert (info["state"], info["exit_status"]) == ("stopped", 0)
    finally:
        drift("rm", "--force", "kv64")


def _cpu_ticks(pid: int) -> int:
    """User + system CPU time of a process, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])
