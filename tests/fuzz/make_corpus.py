"""Seed corpus for the fuzzers: every tests/programs/*.py and
scripts/benchmarks/*.py that compiles, as .dbc files.

    .venv/bin/python tests/fuzz/make_corpus.py [OUT_DIR]   (default build/fuzz/corpus)
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runtime.compiler import CompileError, compile_file  # noqa: E402

SOURCES = [ROOT / "tests" / "programs", ROOT / "scripts" / "benchmarks"]
DEFAULT_OUT = ROOT / "build" / "fuzz" / "corpus"


def sources() -> list[Path]:
    """Every Python source that may seed the corpus, sorted."""
    return sorted(p for d in SOURCES for p in d.glob("*.py"))


def make_corpus(out: Path) -> list[Path]:
    """Compile every source that compiles into `out`; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sources():
        try:
            blob = compile_file(str(src))
        except CompileError:
            continue                                    # err_* programs that must not compile
        dst = out / f"{src.parent.name}-{src.stem}.dbc"
        dst.write_bytes(blob)
        written.append(dst)
    return written


def fixup(blob: bytes) -> bytes:
    """What fuzz-fixup does to an input before running it: if it starts with
    the magic, set the header's file_size and SHA-256 to match the file."""
    if len(blob) < 64 or blob[:4] != b"DRFT":
        return blob
    b = bytearray(blob)
    b[12:16] = len(b).to_bytes(4, "little")
    b[32:64] = hashlib.sha256(bytes(b[64:])).digest()
    return bytes(b)


def gc_stress(blob: bytes) -> bool:
    """Whether fuzz-fixup runs this input with vm_gc_stress (header byte 28, bit 0)."""
    return len(blob) >= 64 and blob[:4] == b"DRFT" and bool(blob[28] & 1)


if __name__ == "__main__":
    files = make_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
    print(f"{len(files)} seed files")
