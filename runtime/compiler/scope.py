"""Name resolution: which names of a function are locals, which are globals."""

from __future__ import annotations

import ast

from ..errors import CompileError


def assigned_names(body: list[ast.stmt]) -> list[str]:
    """Names bound by assignments, for-targets and defs in a body, in first-seen order.

    Nested function bodies are not entered (their names are their own).
    """
    seen: dict[str, None] = {}

    def target(t: ast.expr) -> None:
        if isinstance(t, ast.Name):
            seen.setdefault(t.id, None)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                target(e)
        elif isinstance(t, ast.Starred):
            target(t.value)

    def walk(stmts: list[ast.stmt]) -> None:
        for s in stmts:
            if isinstance(s, ast.Assign):
                for t in s.targets:
                    target(t)
            elif isinstance(s, (ast.AugAssign, ast.AnnAssign)):
                target(s.target)
            elif isinstance(s, ast.For):
                target(s.target)
                walk(s.body)
                walk(s.orelse)
            elif isinstance(s, (ast.While, ast.If)):
                walk(s.body)
                walk(s.orelse)
            elif isinstance(s, (ast.FunctionDef, ast.ClassDef)):
                seen.setdefault(s.name, None)
            elif isinstance(s, ast.Try):
                walk(s.body)
                for h in s.handlers:
                    if h.name:
                        seen.setdefault(h.name, None)
                    walk(h.body)
                walk(s.orelse)
                walk(s.finalbody)
            elif isinstance(s, ast.With):
                for item in s.items:
                    if item.optional_vars is not None:
                        target(item.optional_vars)
                walk(s.body)
        return None

    walk(body)
    return list(seen)


def declared_globals(filename: str, fn: ast.FunctionDef) -> set[str]:
    """Names a function declares ``global``.

    Raises:
        CompileError: a name is declared global after it is used as a parameter.
    """
    params = {a.arg for a in fn.args.args}
    out: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Global):
            for name in node.names:
                if name in params:
                    raise CompileError(filename, node.lineno, node.col_offset + 1,
                                       f"error: name '{name}' is parameter and global")
                out.add(name)
    return out
