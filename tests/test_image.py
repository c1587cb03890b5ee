"""Images (runtime.image) on the real guest kernel, and booting them (runtime.qemu).

Tests that need the built kernel or QEMU skip when they are missing, and
fail instead under CI=true.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.segments import NoteSegment

from runtime import build, image, qemu
from runtime.compiler import compile_source
from runtime.errors import AccelError, ImageError, LaunchError, ToolMissingError
from runtime.status import STATUS

QEMU = "qemu-system-x86_64"


def _missing(msg: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def need_tool(tool: str | Path) -> Path:
    """An executable (by name) or a built file (by path) the test needs.

    Missing: fail under CI=true, else skip.
    """
    if isinstance(tool, Path):
        if not tool.exists():
            _missing(f"{tool} is not built (make -C guest x86_64)")
        return tool
    found = shutil.which(tool)
    if found is None:
        _missing(f"{tool} is not installed (scripts/setup installs it)")
        raise AssertionError("unreachable")
    return Path(found)


@pytest.fixture(scope="module")
def kernel() -> Path:
    """The plain x86_64 guest kernel, built if needed."""
    try:
        path = build.kernel("x86_64")
    except ToolMissingError as e:
        _missing(str(e))
        raise AssertionError("unreachable") from e
    return need_tool(path)


def fake_bytecode(size: int = 64) -> bytes:
    """A blob with the bytecode magic and a matching file_size, nothing valid after."""
    return b"DRFT" + struct.pack("<III", 1, 64, size) + bytes(size - 16)


def _payload_headers(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """(last PT_LOAD header, .drift_payload section header) as pyelftools reads them."""
    with path.open("rb") as f:
        elf = ELFFile(f)
        seg = [s.header for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"][-1]
        sec = elf.get_section_by_name(".drift_payload")
        assert sec is not None
        return dict(seg), dict(sec.header)


def _patched(src: Path, dst: Path, offset: int, new: bytes) -> Path:
    data = bytearray(src.read_bytes())
    data[offset:offset + len(new)] = new
    dst.write_bytes(bytes(data))
    return dst


def _build(kernel: Path, code: bytes, out: Path) -> image.Manifest:
    return image.build_image(kernel, code, out, source_name="app.py", source_sha256="0" * 64,
                             arch="x86_64", memory_mib=8)


# ---- embed / extract ----------------------------------------------------------------


def test_embed_extract_round_trip(kernel: Path, tmp_path: Path) -> None:
    code = fake_bytecode(200)
    out = tmp_path / "app.elf"
    image.embed(kernel, code, out)
    assert image.extract(out) == code
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["app.elf"]  # no temp file left


def test_embed_points_segment_and_section_at_the_blob(kernel: Path, tmp_path: Path) -> None:
    code = fake_bytecode(200)
    out = tmp_path / "app.elf"
    image.embed(kernel, code, out)
    seg, sec = _payload_headers(out)
    k_seg, k_sec = _payload_headers(kernel)
    ksize = kernel.stat().st_size
    assert seg["p_offset"] == sec["sh_offset"] >= ksize
    assert seg["p_offset"] % 16 == 0
    assert seg["p_offset"] % max(seg["p_align"], 1) == seg["p_vaddr"] % max(seg["p_align"], 1)
    assert seg["p_filesz"] == seg["p_memsz"] == sec["sh_size"] == len(code)
    assert (seg["p_vaddr"], sec["sh_addr"]) == (k_seg["p_vaddr"], k_sec["sh_addr"])
    data = out.read_bytes()
    assert data[ksize:seg["p_offset"]] == bytes(seg["p_offset"] - ksize)
    assert len(data) == seg["p_offset"] + len(code)


def test_embed_into_a_new_directory(kernel: Path, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "app.elf"
    image.embed(kernel, fake_bytecode(), out)
    assert image.extract(out) == fake_bytecode()


def test_embed_rejects_wrong_magic(kernel: Path, tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="DRFT"):
        image.embed(kernel, b"XXXX" + fake_bytecode()[4:], tmp_path / "app.elf")
    assert not (tmp_path / "app.elf").exists()


def test_embed_rejects_a_blob_whose_size_disagrees(kernel: Path, tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="truncated"):
        image.embed(kernel, fake_bytecode(64)[:40], tmp_path / "app.elf")
    with pytest.raises(ImageError, match="too short"):
        image.embed(kernel, b"DRFT", tmp_path / "app.elf")


def test_embed_rejects_not_an_elf(tmp_path: Path) -> None:
    text = tmp_path / "kernel.txt"
    text.write_text("hello\n")
    with pytest.raises(ImageError, match="not an ELF"):
        image.embed(text, fake_bytecode(), tmp_path / "app.elf")
    with pytest.raises(ImageError, match="not an ELF"):
        image.extract(text)


def test_embed_rejects_a_missing_kernel(tmp_path: Path) -> None:
    with pytest.raises(ToolMissingError, match="make -C guest"):
        image.embed(tmp_path / "nope.elf", fake_bytecode(), tmp_path / "app.elf")


def test_embed_rejects_a_32_bit_elf(kernel: Path, tmp_path: Path) -> None:
    bad = _patched(kernel, tmp_path / "k32.elf", 4, b"\x01")  # EI_CLASS = ELFCLASS32
    with pytest.raises(ImageError):
        image.embed(bad, fake_bytecode(), tmp_path / "app.elf")


def test_embed_rejects_a_foreign_machine(kernel: Path, tmp_path: Path) -> None:
    i386 = _patched(kernel, tmp_path / "i386.elf", 18, struct.pack("<H", 3))  # EM_386
    with pytest.raises(ImageError, match="not one Drift supports"):
        image.embed(i386, fake_bytecode(), tmp_path / "app.elf")
    arm = _patched(kernel, tmp_path / "arm.elf", 18, struct.pack("<H", 183))  # EM_AARCH64
    with pytest.raises(ImageError, match="built for aarch64"):
        image.embed(arm, fake_bytecode(), tmp_path / "app.elf", arch="x86_64")


def test_embed_rejects_a_kernel_without_pvh_note(kernel: Path, tmp_path: Path) -> None:
    with kernel.open("rb") as f:
        notes = [n for s in ELFFile(f).iter_segments() if isinstance(s, NoteSegment) for n in s.iter_notes()]
    pvh = [n for n in notes if n["n_name"] == "Xen" and str(n["n_type"]) == "18"]
    assert pvh, "the real kernel must carry the PVH note"
    bad = _patched(kernel, tmp_path / "nopvh.elf", pvh[0]["n_offset"] + 8, struct.pack("<I", 17))
    with pytest.raises(ImageError, match="PVH"):
        image.embed(bad, fake_bytecode(), tmp_path / "app.elf")


def test_embed_rejects_a_kernel_without_payload_section(kernel: Path, tmp_path: Path) -> None:
    data = kernel.read_bytes()
    assert data.count(b".drift_payload\0") == 1
    bad = tmp_path / "nopayload.elf"
    bad.write_bytes(data.replace(b".drift_payload\0", b".drift_paylo4d\0"))
    with pytest.raises(ImageError, match=r"no \.drift_payload section"):
        image.embed(bad, fake_bytecode(), tmp_path / "app.elf")


def test_embed_rejects_an_image_as_kernel(kernel: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.elf"
    image.embed(kernel, fake_bytecode(), first)
    with pytest.raises(ImageError, match="already carries a program"):
        image.embed(first, fake_bytecode(), tmp_path / "second.elf")


def test_extract_from_a_plain_kernel(kernel: Path) -> None:
    with pytest.raises(ImageError, match="no program"):
        image.extract(kernel)


def test_extract_from_a_truncated_image(kernel: Path, tmp_path: Path) -> None:
    out = tmp_path / "app.elf"
    image.embed(kernel, fake_bytecode(256), out)
    out.write_bytes(out.read_bytes()[:-10])
    with pytest.raises(ImageError, match="truncated"):
        image.extract(out)


def test_extract_missing_image(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such image"):
        image.extract(tmp_path / "nope.elf")


# ---- manifests and verify ----------------------------------------------------------------


def test_manifest_path() -> None:
    assert image.manifest_path(Path("out/hello.elf")) == Path("out/hello.manifest.json")
    assert image.manifest_path(Path("hello")) == Path("hello.manifest.json")


def test_build_image_writes_a_matching_manifest(kernel: Path, tmp_path: Path) -> None:
    code = fake_bytecode(128)
    out = tmp_path / "hello.elf"
    m = _build(kernel, code, out)
    assert image.load_manifest(out) == m
    assert image.verify(out) == m
    data = out.read_bytes()
    assert (m.arch, m.memory_mib, m.source_name, m.image_size) == ("x86_64", 8, "app.py", len(data))
    assert m.image_sha256 == hashlib.sha256(data).hexdigest()
    assert m.kernel_sha256 == hashlib.sha256(kernel.read_bytes()).hexdigest()
    assert m.bytecode_sha256 == hashlib.sha256(code).hexdigest()
    assert m.format_version == image.MANIFEST_VERSION and m.drift_version
    on_disk = json.loads(image.manifest_path(out).read_text())
    assert on_disk["image_sha256"] == m.image_sha256
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.elf", "hello.manifest.json"]


def test_build_image_rejects_bad_settings(kernel: Path, tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="architecture"):
        image.build_image(kernel, fake_bytecode(), tmp_path / "a.elf", source_name="a.py",
                          source_sha256="", arch="mips", memory_mib=8)
    with pytest.raises(ImageError, match="memory"):
        image.build_image(kernel, fake_bytecode(), tmp_path / "a.elf", source_name="a.py",
                          source_sha256="", arch="x86_64", memory_mib=0)


def test_load_manifest_absent_is_none(kernel: Path, tmp_path: Path) -> None:
    out = tmp_path / "app.elf"
    image.embed(kernel, fake_bytecode(), out)
    assert image.load_manifest(out) is None
    with pytest.raises(ImageError, match="no manifest"):
        image.verify(out)


def test_verify_detects_a_corrupt_image(kernel: Path, tmp_path: Path) -> None:
    out = tmp_path / "app.elf"
    _build(kernel, fake_bytecode(128), out)
    data = bytearray(out.read_bytes())
    data[-1] ^= 0xFF
    out.write_bytes(bytes(data))
    with pytest.raises(ImageError, match="does not match its manifest"):
        image.verify(out)


def test_verify_detects_a_swapped_program(kernel: Path, tmp_path: Path) -> None:
    out = tmp_path / "app.elf"
    _build(kernel, fake_bytecode(128), out)
    other = tmp_path / "other.elf"
    image.embed(kernel, fake_bytecode(96), other)
    other.replace(out)  # same kernel, different program; update the image hash only
    mpath = image.manifest_path(out)
    m = json.loads(mpath.read_text())
    m["image_sha256"] = hashlib.sha256(out.read_bytes()).hexdigest()
    m["image_size"] = out.stat().st_size
    mpath.write_text(json.dumps(m))
    with pytest.raises(ImageError, match="bytecode_sha256"):
        image.verify(out)


def test_verify_rejects_a_malformed_manifest(kernel: Path, tmp_path: Path) -> None:
    out = tmp_path / "app.elf"
    _build(kernel, fake_bytecode(), out)
    mpath = image.manifest_path(out)
    mpath.write_text("{not json")
    with pytest.raises(ImageError, match="not valid JSON"):
        image.load_manifest(out)
    mpath.write_text(json.dumps({"arch": "x86_64"}))
    with pytest.raises(ImageError, match="not a Drift manifest"):
        image.verify(out)


def test_verify_missing_image(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such image"):
        image.verify(tmp_path / "nope.elf")


# ---- the QEMU command line --------------------------------------------------------------------


def test_qemu_missing_is_reported_with_a_hint(tmp_path: Path) -> None:
    cfg = qemu.QemuConfig(image=tmp_path / "x.elf", binary="qemu-system-nonexistent-drift")
    with pytest.raises(ToolMissingError, match="apt-get install"):
        qemu.command_line(cfg, stdout_path="/dev/null", stderr_path="/dev/null")


def test_command_line_is_hardened(tmp_path: Path) -> None:
    need_tool(QEMU)
    cfg = qemu.QemuConfig(image=tmp_path / "x.elf", memory_mib=16, append="drift.timing")
    cmd = qemu.command_line(cfg, stdout_path="/dev/fd/7", stderr_path="/dev/fd/9")
    for flag in ("-nodefaults", "-no-user-config", "-no-reboot"):
        assert flag in cmd
    assert cmd[cmd.index("-display") + 1] == "none"
    assert cmd[cmd.index("-accel") + 1] == "tcg" and cmd[cmd.index("-cpu") + 1] == "max"
    assert cmd[cmd.index("-m") + 1] == "16M"
    assert cmd[cmd.index("-M") + 1].startswith("microvm,")
    assert cmd[cmd.index("-append") + 1] == "drift.timing"
    assert cmd[cmd.index("-kernel") + 1] == str(cfg.image)
    assert "isa-debug-exit,iobase=0xf4,iosize=4" in cmd
    assert any("path=/dev/fd/7" in a for a in cmd) and any("path=/dev/fd/9" in a for a in cmd)
    assert not any(a in cmd for a in ("-netdev", "-nic", "-net", "-vnc", "-qmp", "-monitor", "-gdb"))
    q35 = qemu.command_line(qemu.QemuConfig(image=cfg.image, machine="q35", accel="kvm"),
                            stdout_path="/dev/null", stderr_path="/dev/null")
    assert q35[q35.index("-bios") + 1] == str(qemu.QBOOT_ROM) and q35[q35.index("-cpu") + 1] == "host"
    assert "-append" not in q35


def test_command_line_rejects_bad_settings(tmp_path: Path) -> None:
    need_tool(QEMU)
    img = tmp_path / "x.elf"
    with pytest.raises(AccelError):
        qemu.command_line(qemu.QemuConfig(image=img, accel="auto"), stdout_path="-", stderr_path="-")
    with pytest.raises(LaunchError, match="machine"):
        qemu.command_line(qemu.QemuConfig(image=img, machine="pc"), stdout_path="-", stderr_path="-")


def test_print_cmdline_is_shell_quoted(tmp_path: Path) -> None:
    need_tool(QEMU)
    line = qemu.print_cmdline(qemu.QemuConfig(image=tmp_path / "my app.elf", append="a b"))
    assert f"'{tmp_path / 'my app.elf'}'" in line and "-append 'a b'" in line


@pytest.mark.parametrize(("rc", "status"), [(1, 0), (3, 1), (243, 121), (245, 122), (251, 125)])
def test_status_decoding(rc: int, status: int) -> None:
    assert qemu._status(rc, "") == status


@pytest.mark.parametrize(("rc", "text"), [(0, ""), (2, ""), (-9, ""), (1, "qemu-system-x86_64: could not load kernel")])
def test_status_decoding_without_a_guest_status(rc: int, text: str) -> None:
    with pytest.raises(LaunchError, match="QEMU"):
        qemu._status(rc, text)


def test_status_ignores_qemu_warnings() -> None:
    assert qemu._status(1, "qemu-system-x86_64: warning: host doesn't support requested feature\n") == 0


# ---- booting -------------------------------------------------------------------------------------


def _qemu_children() -> list[int]:
    """PIDs of QEMU processes whose parent is this test process."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            comm, ppid = fields[0].split("(", 1)[1], int(fields[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and comm.startswith("qemu"):
            found.append(int(stat.parent.name))
    return found


def _boot(img: Path, **kw: object) -> tuple[qemu.RunResult, bytes, bytes]:
    need_tool(QEMU)
    out, err = io.BytesIO(), io.BytesIO()
    cfg = qemu.QemuConfig(image=img, **kw)  # type: ignore[arg-type]
    result = qemu.run(cfg, stdout=out, stderr=err, timeout=60)
    return result, out.getvalue(), err.getvalue()


def test_boot_plain_kernel_reports_nopayload(kernel: Path) -> None:
    result, out, err = _boot(kernel)
    assert result.status == STATUS["NOPAYLOAD"]
    assert out == b"" and b"no program" in err
    assert result.command[0].endswith(QEMU) and result.wall_s > 0


def test_boot_fake_bytecode_is_rejected(kernel: Path, tmp_path: Path) -> None:
    img = tmp_path / "fake.elf"
    image.embed(kernel, fake_bytecode(), img)
    result, out, err = _boot(img)
    assert result.status == STATUS["BADCODE"]
    assert out == b"" and err.startswith(b"drift: ")


@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_boot_keeps_stdout_and_stderr_apart(kernel: Path, tmp_path: Path, machine: str) -> None:
    code = compile_source('print("to stdout")\nprint("more")\nx = [1][3]\n', "sep.py")
    img = tmp_path / "sep.elf"
    _build(kernel, code, img)
    result, out, err = _boot(img, machine=machine)
    assert result.status == STATUS["EXCEPTION"]
    assert out == b"to stdout\nmore\n"
    assert b"Traceback" in err and b"IndexError" in err and b"to stdout" not in err
    assert result.qemu_stderr == ""


def test_boot_passes_the_kernel_command_line(kernel: Path, tmp_path: Path) -> None:
    img = tmp_path / "ok.elf"
    _build(kernel, compile_source('print("hi")\n', "ok.py"), img)
    result, out, err = _boot(img, append="drift.timing")
    assert (result.status, out) == (STATUS["OK"], b"hi\n")
    assert b"drift: timing" in err


def test_boot_timeout_kills_qemu(kernel: Path, tmp_path: Path) -> None:
    need_tool(QEMU)
    img = tmp_path / "spin.elf"
    _build(kernel, compile_source('print("spinning")\nwhile True:\n    pass\n', "spin.py"), img)
    out = io.BytesIO()
    with pytest.raises(LaunchError, match="did not finish within"):
        qemu.run(qemu.QemuConfig(image=img), stdout=out, stderr=io.BytesIO(), timeout=2)
    assert out.getvalue() == b"spinning\n"  # streamed before the kill
    assert _qemu_children() == []


def test_boot_missing_image_is_a_launch_error(tmp_path: Path) -> None:
    with pytest.raises(LaunchError, match="could not open kernel"):
        _boot(tmp_path / "nope.elf")
    assert _qemu_children() == []


def test_print_cmdline_runs_in_a_shell(kernel: Path, tmp_path: Path) -> None:
    need_tool(QEMU)
    img = tmp_path / "ok.elf"
    _build(kernel, compile_source('print("hi")\n', "ok.py"), img)
    line = qemu.print_cmdline(qemu.QemuConfig(image=img))
    proc = subprocess.run(["sh", "-c", line + " | cat"], capture_output=True, timeout=60)
    assert proc.stdout == b"hi\n"
