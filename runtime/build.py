"""High-level build steps: source -> bytecode -> image, and the guest binaries they need."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from . import paths
from .compiler import compile_source
from .errors import ToolMissingError

ARCHES = ("x86_64", "aarch64")
#: The C compiler each guest kernel is built with (guest/arch/<arch>/arch.mk).
_COMPILERS = {"x86_64": "gcc", "aarch64": "aarch64-linux-gnu-gcc"}
DEFAULT_MEMORY_MIB = 8


def _make(target: str, product: Path) -> Path:
    """Build a guest product with ``make -C guest TARGET`` if it is missing or stale.

    Raises:
        ToolMissingError: make or the C compiler is missing, or the build fails.
    """
    cc = _COMPILERS.get(target, "gcc")
    if shutil.which("make") is None or shutil.which(cc) is None:
        if product.exists():
            return product
        raise ToolMissingError(f"{product} is not built and make/{cc} are missing: run scripts/setup")
    proc = subprocess.run(["make", "-s", "-C", str(paths.ROOT / "guest"), f"B={paths.BUILD}", target],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not product.exists():
        raise ToolMissingError(f"building the guest ({target}) failed:\n{proc.stdout}{proc.stderr}".rstrip())
    return product


def kernel(arch: str = "x86_64") -> Path:
    """The guest kernel for ``arch``, built if needed.

    Raises:
        ToolMissingError: it cannot be built.
    """
    return _make(arch, paths.kernel(arch))


def hosted_vm() -> Path:
    """The hosted VM binary ``drift-vm``, built if needed.

    Raises:
        ToolMissingError: it cannot be built.
    """
    return _make("hosted", paths.hosted_vm())


def compile_path(source: Path) -> tuple[bytes, str]:
    """Compile a source file; returns (bytecode, source SHA-256).

    Raises:
        CompileError: the program is outside the subset.
        OSError: the file cannot be read.
    """
    text = source.read_bytes()
    return compile_source(text.decode("utf-8"), source.name), hashlib.sha256(text).hexdigest()


def app_source(target: Path) -> tuple[Path, dict[str, object]]:
    """Resolve a build target: a .py file, or an appliance folder with a ``drift.toml``.

    Returns the source file and the manifest's settings (``arch``, ``memory_mib``,
    ``name``; empty for a bare .py).

    Raises:
        ImageError: the folder has no valid drift.toml, or names a missing source.
    """
    import tomllib

    from .errors import ImageError

    if not target.is_dir():
        return target, {}
    toml = target / "drift.toml"
    try:
        settings: dict[str, object] = tomllib.loads(toml.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ImageError(f"{toml}: {e}") from None
    source = target / str(settings.get("source", "main.py"))
    if not source.is_file():
        raise ImageError(f"{toml}: source {source.name} not found")
    return source, settings
