"""Drift images: the guest kernel ELF with a program's bytecode embedded.

The kernel's last ``PT_LOAD`` segment holds the section ``.drift_payload``
(an 8-byte placeholder).  :func:`embed` appends the bytecode to a copy of
the kernel and points that segment (``p_offset``/``p_filesz``/``p_memsz``)
and the section header (``sh_offset``/``sh_size``) at it, so any ELF loader
puts the program where the guest expects it (see ``docs/guest-abi.md``).

Beside every image ``X.elf`` lies ``X.manifest.json``, a :class:`Manifest`
recording what went in (hashes, architecture, memory), which :func:`verify`
checks before a run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import struct
import tempfile
import typing
from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.construct.core import ConstructError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import NoteSection
from elftools.elf.segments import NoteSegment

from . import bcformat
from .errors import ImageError, ToolMissingError

#: Drift's architecture names and the ELF ``e_machine`` of their kernels.
ARCH_MACHINES: dict[str, str] = {"x86_64": "EM_X86_64", "aarch64": "EM_AARCH64"}
#: Architectures whose kernels must carry the PVH entry note.
PVH_ARCHES = frozenset({"x86_64"})

PAYLOAD_SECTION = ".drift_payload"
#: The bytecode's magic and the offset of its header's ``file_size``, from format.def.
BYTECODE_MAGIC = struct.pack("<I", bcformat.CONST["MAGIC"])
_FILE_SIZE_OFFSET = next(off for name, _, off in bcformat.FIELDS["HDR"] if name == "file_size")
XEN_ELFNOTE_PHYS32_ENTRY = 18
MANIFEST_VERSION = 1
IMAGE_MODE = 0o644
#: The blob starts on at least this file alignment.
_BLOB_ALIGN = 16

_ELF_MAGIC = b"\x7fELF"
_PARSE_ERRORS = (ELFError, ConstructError, ValueError, struct.error)

# ELF64 field offsets inside a program header / section header.
_P_OFFSET, _P_FILESZ, _P_MEMSZ = 8, 32, 40
_SH_OFFSET, _SH_SIZE = 24, 32


@dataclass(frozen=True)
class _Layout:
    """Where a kernel's payload lives, as read from its ELF headers."""

    arch: str
    phdr_at: int  # file offset of the payload segment's program header
    shdr_at: int  # file offset of the payload section's header
    vaddr: int  # the segment's (and section's) address
    align: int  # the segment's p_align
    offset: int  # the payload's file offset (section header)
    size: int  # the payload's size (section header)
    seg_offset: int  # the segment's p_offset
    seg_filesz: int  # the segment's p_filesz


@dataclass(frozen=True)
class Manifest:
    """What went into an image; stored as JSON beside it (see :func:`manifest_path`)."""

    format_version: int
    arch: str
    memory_mib: int
    source_name: str
    source_sha256: str
    bytecode_sha256: str
    kernel_sha256: str
    image_sha256: str
    image_size: int
    drift_version: str


# ---- reading the ELF ---------------------------------------------------------


def _arch_of(machine: object, name: str) -> str:
    """Drift's name for an ELF ``e_machine``.

    Raises:
        ImageError: a machine Drift has no kernel for.
    """
    for arch, em in ARCH_MACHINES.items():
        if machine == em:
            return arch
    raise ImageError(f"{name}: ELF machine {machine} is not one Drift supports ({', '.join(ARCH_MACHINES)})")


def _check_header(elf: ELFFile, name: str) -> str:
    """Check class, byte order and type; return the architecture.

    Raises:
        ImageError: not a little-endian 64-bit executable of a known machine.
    """
    if elf.elfclass != 64 or not elf.little_endian:
        raise ImageError(f"{name}: not a little-endian 64-bit ELF (a Drift kernel is ELFCLASS64)")
    if elf["e_type"] != "ET_EXEC":
        raise ImageError(f"{name}: ELF type is {elf['e_type']}, a Drift kernel is a static executable (ET_EXEC)")
    return _arch_of(elf["e_machine"], name)


def _has_pvh_note(elf: ELFFile) -> bool:
    """Whether a PT_NOTE segment or SHT_NOTE section holds XEN_ELFNOTE_PHYS32_ENTRY."""
    notes = [n for seg in elf.iter_segments() if isinstance(seg, NoteSegment) for n in seg.iter_notes()]
    notes += [n for sec in elf.iter_sections() if isinstance(sec, NoteSection) for n in sec.iter_notes()]
    types: list[object] = [note["n_type"] for note in notes if note["n_name"] == "Xen"]
    return XEN_ELFNOTE_PHYS32_ENTRY in types


def _payload_section(elf: ELFFile, name: str) -> tuple[int, int, int, int]:
    """(index, sh_addr, sh_offset, sh_size) of ``.drift_payload``.

    Raises:
        ImageError: the section is absent or holds no file data.
    """
    for index, section in enumerate(elf.iter_sections()):
        if section.name == PAYLOAD_SECTION:
            if section["sh_type"] != "SHT_PROGBITS":
                raise ImageError(f"{name}: section {PAYLOAD_SECTION} is {section['sh_type']}, not PROGBITS")
            return index, section["sh_addr"], section["sh_offset"], section["sh_size"]
    raise ImageError(f"{name}: no {PAYLOAD_SECTION} section: this is not a Drift kernel "
                     "(or it was stripped of section headers)")


def _payload_segment(elf: ELFFile, addr: int, name: str) -> tuple[int, dict[str, int]]:
    """(index, header) of the PT_LOAD segment that starts at the payload's address.

    Raises:
        ImageError: no PT_LOAD starts there, or it is not the last PT_LOAD.
    """
    loads = [(i, seg.header) for i, seg in enumerate(elf.iter_segments()) if seg["p_type"] == "PT_LOAD"]
    if not loads:
        raise ImageError(f"{name}: no PT_LOAD segments")
    index, header = loads[-1]
    if header["p_vaddr"] != addr:
        raise ImageError(f"{name}: {PAYLOAD_SECTION} (at {addr:#x}) is not alone at the start of the last "
                         f"PT_LOAD segment (at {header['p_vaddr']:#x}); the kernel's linker script is wrong")
    return index, dict(header)


def _layout(data: bytes, name: str, arch: str | None = None) -> _Layout:
    """Check a Drift kernel or image and locate its payload.

    Raises:
        ImageError: not an ELF, a foreign or malformed ELF, the wrong
            architecture, no PVH note (x86_64), or no payload section/segment.
    """
    if data[:4] != _ELF_MAGIC:
        raise ImageError(f"{name}: not an ELF file (a Drift kernel or image is an ELF executable)")
    try:
        elf = ELFFile(io.BytesIO(data))
        found = _check_header(elf, name)
        if arch is not None and found != arch:
            raise ImageError(f"{name}: built for {found}, but {arch} was asked for")
        if found in PVH_ARCHES and not _has_pvh_note(elf):
            raise ImageError(f"{name}: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): QEMU cannot boot it")
        sec_index, addr, offset, size = _payload_section(elf, name)
        seg_index, seg = _payload_segment(elf, addr, name)
        layout = _Layout(arch=found, phdr_at=elf["e_phoff"] + seg_index * elf["e_phentsize"],
                         shdr_at=elf["e_shoff"] + sec_index * elf["e_shentsize"], vaddr=addr,
                         align=seg["p_align"], offset=offset, size=size,
                         seg_offset=seg["p_offset"], seg_filesz=seg["p_filesz"])
    except _PARSE_ERRORS as e:
        raise ImageError(f"{name}: malformed ELF file ({e})") from None
    if max(layout.offset + layout.size, layout.seg_offset + layout.seg_filesz) > len(data):
        raise ImageError(f"{name}: truncated: the payload runs past the end of the file")
    return layout


# ---- embedding -----------------------------------------------------------------


def _check_bytecode(bytecode: bytes) -> None:
    """Check the blob looks like a bytecode file (magic and self-declared size).

    Raises:
        ImageError: wrong magic, or the header's file_size disagrees with its length.
    """
    if bytecode[:4] != BYTECODE_MAGIC:
        raise ImageError("the bytecode does not start with the magic b'DRFT': not a Drift bytecode file")
    if len(bytecode) < _FILE_SIZE_OFFSET + 4 or len(bytecode) >= 1 << 32:
        raise ImageError(f"the bytecode is {len(bytecode)} bytes: too short or too large to be a bytecode file")
    (declared,) = struct.unpack_from("<I", bytecode, _FILE_SIZE_OFFSET)
    if declared != len(bytecode):
        raise ImageError(f"the bytecode header says {declared} bytes but the blob has {len(bytecode)}: truncated?")


def _blob_offset(end: int, vaddr: int, align: int) -> int:
    """The first file offset >= ``end`` for the blob: 16-aligned, and congruent
    to ``vaddr`` modulo the segment's ``p_align`` (as the ELF spec asks)."""
    offset = -(-end // _BLOB_ALIGN) * _BLOB_ALIGN
    if align > _BLOB_ALIGN:
        offset += (vaddr - offset) % align
    return offset


def _embed_bytes(kernel: bytes, bytecode: bytes, name: str, arch: str | None = None) -> bytes:
    """The image bytes for ``kernel`` carrying ``bytecode``.

    Raises:
        ImageError: see :func:`_layout` and :func:`_check_bytecode`; or the
            kernel already carries a program.
    """
    _check_bytecode(bytecode)
    layout = _layout(kernel, name, arch)
    if kernel[layout.offset:layout.offset + 4] == BYTECODE_MAGIC:
        raise ImageError(f"{name}: already carries a program: build from the plain kernel, not from an image")
    offset = _blob_offset(len(kernel), layout.vaddr, layout.align)
    out = bytearray(kernel)
    out += bytes(offset - len(kernel))
    out += bytecode
    struct.pack_into("<Q", out, layout.phdr_at + _P_OFFSET, offset)
    struct.pack_into("<QQ", out, layout.phdr_at + _P_FILESZ, len(bytecode), len(bytecode))
    struct.pack_into("<QQ", out, layout.shdr_at + _SH_OFFSET, offset, len(bytecode))
    return bytes(out)


def _read(path: Path, what: str) -> bytes:
    """Read a file the user named.

    Raises:
        ImageError: it is missing or unreadable.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImageError(f"{path}: no such {what}") from None
    except OSError as e:
        raise ImageError(f"{path}: cannot read the {what}: {e.strerror or e}") from None


def _read_kernel(kernel: Path) -> bytes:
    """Read the guest kernel.

    Raises:
        ToolMissingError: it has not been built.
        ImageError: it cannot be read.
    """
    if not kernel.exists():
        raise ToolMissingError(f"the guest kernel {kernel} is not built: run `make -C guest {kernel.parent.name}` "
                               "(or scripts/setup)")
    return _read(kernel, "kernel")


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename, mode 0644.

    Raises:
        ImageError: the file cannot be written.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, IMAGE_MODE)
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise ImageError(f"{path}: cannot write: {e.strerror or e}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def embed(kernel: Path, bytecode: bytes, out: Path, *, arch: str | None = None) -> None:
    """Write ``out``: the kernel ELF with ``bytecode`` as its payload.

    ``arch`` (``x86_64``, ``aarch64``), if given, is checked against the kernel.

    Raises:
        ToolMissingError: the kernel has not been built.
        ImageError: the kernel is unreadable, not an ELF, not a Drift kernel
            (wrong class/type/machine, no PVH note, no payload section), already
            carries a program; the bytecode has no ``DRFT`` magic or a wrong
            size; or ``out`` cannot be written.
    """
    _write_atomic(out, _embed_bytes(_read_kernel(kernel), bytecode, str(kernel), arch))


def _payload(data: bytes, name: str) -> bytes:
    """The bytecode carried by image bytes.

    Raises:
        ImageError: not a Drift image, inconsistent headers, or no program.
    """
    layout = _layout(data, name)
    if (layout.seg_offset, layout.seg_filesz) != (layout.offset, layout.size):
        raise ImageError(f"{name}: the payload segment and section disagree: the image is corrupt")
    blob = data[layout.offset:layout.offset + layout.size]
    if blob[:4] != BYTECODE_MAGIC:
        raise ImageError(f"{name}: carries no program (a plain kernel?): build one with `drift build`")
    return blob


def extract(image: Path) -> bytes:
    """The bytecode embedded in an image.

    Raises:
        ImageError: the image is missing, unreadable, not a Drift image, or
            carries no program.
    """
    return _payload(_read(image, "image"), str(image))


# ---- manifests -------------------------------------------------------------------


def manifest_path(image: Path) -> Path:
    """The manifest beside an image: ``hello.elf`` -> ``hello.manifest.json``."""
    return image.with_name(f"{image.stem}.manifest.json")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _drift_version() -> str:
    from . import __version__

    return __version__


def build_image(kernel: Path, bytecode: bytes, out: Path, *, source_name: str, source_sha256: str,
                arch: str, memory_mib: int) -> Manifest:
    """Embed ``bytecode`` into ``kernel`` as ``out`` and write its manifest beside it.

    Raises:
        ToolMissingError: the kernel has not been built.
        ImageError: as :func:`embed`; an unknown ``arch``; ``memory_mib`` < 1.
    """
    if arch not in ARCH_MACHINES:
        raise ImageError(f"unknown architecture {arch!r}: use one of {', '.join(ARCH_MACHINES)}")
    if memory_mib < 1:
        raise ImageError(f"memory must be at least 1 MiB (got {memory_mib})")
    kernel_data = _read_kernel(kernel)
    data = _embed_bytes(kernel_data, bytecode, str(kernel), arch)
    manifest = Manifest(format_version=MANIFEST_VERSION, arch=arch, memory_mib=memory_mib,
                        source_name=source_name, source_sha256=source_sha256,
                        bytecode_sha256=_sha256(bytecode), kernel_sha256=_sha256(kernel_data),
                        image_sha256=_sha256(data), image_size=len(data), drift_version=_drift_version())
    _write_atomic(out, data)
    _write_atomic(manifest_path(out), (json.dumps(dataclasses.asdict(manifest), indent=2) + "\n").encode())
    return manifest


def _manifest_from(obj: object, where: Path) -> Manifest:
    """A Manifest from parsed JSON.

    Raises:
        ImageError: fields are missing, unknown or of the wrong type, or the
            format version is newer than this Drift reads.
    """
    fields = typing.get_type_hints(Manifest)
    if not isinstance(obj, dict) or set(obj) != set(fields):
        raise ImageError(f"{where}: not a Drift manifest (expected the fields {', '.join(fields)})")
    for key, want in fields.items():
        if type(obj[key]) is not want:
            raise ImageError(f"{where}: field {key!r} should be {want.__name__}: the manifest is corrupt")
    if obj["format_version"] > MANIFEST_VERSION:
        raise ImageError(f"{where}: manifest version {obj['format_version']} is newer than this Drift reads "
                         f"({MANIFEST_VERSION}): upgrade Drift or rebuild the image")
    return Manifest(**obj)


def load_manifest(image: Path) -> Manifest | None:
    """The manifest beside ``image``, or None if there is none.

    Raises:
        ImageError: the manifest exists but is unreadable or malformed.
    """
    where = manifest_path(image)
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise ImageError(f"{where}: cannot read the manifest: {e}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImageError(f"{where}: the manifest is not valid JSON ({e}): rebuild with `drift build`") from None
    return _manifest_from(obj, where)


def verify(image: Path) -> Manifest:
    """Check an image against its manifest before running it; return the manifest.

    Raises:
        ImageError: the image is missing; its manifest is missing or malformed;
            the image's size or SHA-256 differ from the manifest's (modified or
            corrupt); it is not a Drift image of the manifest's architecture;
            or its payload differs from the bytecode recorded.
    """
    data = _read(image, "image")
    manifest = load_manifest(image)
    if manifest is None:
        raise ImageError(f"{image}: no manifest ({manifest_path(image).name}) beside it: "
                         "rebuild the image with `drift build`")
    rebuild = "the image was modified or is corrupt: rebuild it with `drift build`"
    if len(data) != manifest.image_size or _sha256(data) != manifest.image_sha256:
        raise ImageError(f"{image}: does not match its manifest ({len(data)} bytes, expected "
                         f"{manifest.image_size}; or SHA-256 differs): {rebuild}")
    payload = _payload(data, str(image))
    if _layout(data, str(image)).arch != manifest.arch:
        raise ImageError(f"{image}: the ELF is not {manifest.arch} as its manifest says: {rebuild}")
    if _sha256(payload) != manifest.bytecode_sha256:
        raise ImageError(f"{image}: its program differs from the manifest's bytecode_sha256: {rebuild}")
    return manifest
