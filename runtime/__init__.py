"""Drift: compile Python programs into OS-less appliances, boot and move them.

The ``drift`` command (:mod:`runtime.cli`) is a thin layer over this package.
The Python API is :class:`Image` and :class:`Partition` (:mod:`runtime.api`),
imported on first use so that ``import runtime`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import Image, Partition

__version__ = "0.1.0"
__all__ = ["Image", "Partition", "__version__"]


def __getattr__(name: str) -> object:
    """``runtime.Image`` and ``runtime.Partition``, loaded from :mod:`runtime.api` when first asked for."""
    if name in ("Image", "Partition"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'runtime' has no attribute {name!r}")
