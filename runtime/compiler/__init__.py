"""The Drift compiler: Python source (a subset) -> Drift bytecode (.dbc).

    >>> from runtime.compiler import compile_source
    >>> blob = compile_source("print(1 + 2)\\n", "app.py")
"""

from __future__ import annotations

import ast

from .. import bcformat
from ..errors import CompileError
from .codegen import Compiler

__all__ = ["compile_source", "compile_file", "CompileError"]


def compile_source(source: str, filename: str = "<string>") -> bytes:
    """Compile Python source to a bytecode file image.

    Raises:
        CompileError: a syntax error, or a construct outside the subset
            (``file:line:col: unsupported: ...``).
    """
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as e:
        raise CompileError(filename, e.lineno or 1, e.offset or 1, f"error: {e.msg}") from None
    return bcformat.write(Compiler(filename).module(tree))


def compile_file(path: str) -> bytes:
    """Compile a source file; the bytecode records its base name for tracebacks.

    Raises:
        CompileError: as :func:`compile_source`.
        OSError: the file cannot be read.
    """
    import os

    with open(path, encoding="utf-8") as f:
        source = f.read()
    return compile_source(source, os.path.basename(path))
