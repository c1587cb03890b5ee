"""Code generation for exceptions, ``with`` and classes (a mixin of :class:`Compiler`).

Exceptions are zero-cost: a ``try`` body is a *region* of pcs recorded in
the function's exception table (start, end, handler, register); nothing runs
on entry.  Leaving a block early (``return``, ``break``, ``continue``) emits
the cleanups of the blocks it leaves inline -- a ``finally`` body, a
``with`` exit call, restoring the handled exception -- with the regions of
the left blocks *suspended*, so an exception in that cleanup code is not
caught by the block being left.  Nested regions come first in the table
(they are finished first), and the VM takes the first match.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .scope import where

if TYPE_CHECKING:
    from ..errors import CompileError
    from .codegen import _Func
    from .scope import Scope


@dataclass
class Region:
    """The pcs covered by one handler, as segments (suspended while cleanups are emitted inline)."""

    reg: int
    segments: list[tuple[int, int]] = field(default_factory=list)
    start: int | None = None

    def open(self, pc: int) -> None:
        self.start = pc

    def close(self, pc: int) -> None:
        if self.start is not None and self.start < pc:
            self.segments.append((self.start, pc))
        self.start = None


@dataclass
class Block:
    """A block that leaving early must clean up.

    kind: ``try`` (only a region), ``finally`` (its body runs on the way out),
    ``handler`` (an except/finally/with-exit body: restore the handled exception
    from ``saved``), ``with`` (call ``mgr.__exit__(None, None, None)``).
    """

    kind: str
    region: Region | None = None
    saved: int = 0
    body: list[ast.stmt] = field(default_factory=list)
    mgr: int = 0
    unbind: str | None = None  # handler of 'except E as name': the name is unbound when it is left


@dataclass
class ClassCtx:
    """A class body being compiled (inline in the enclosing function or module)."""

    name: str
    qual: str       # its __qualname__
    reg: int        # the class object (reg + 1 is scratch for SETATTR)
    cell: int | None  # the register of its __class__ cell, if a method uses zero-argument super()
    bound: set[str]  # the names the body binds (class attributes, never the enclosing function's locals)
    attrs: set[str] = field(default_factory=set)  # bound by the statements compiled so far


def _skip_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


class ExcGen:
    """try/except/finally, raise, assert, with, class statements."""

    f: _Func
    line: int
    cls: ClassCtx | None
    scopes: dict[tuple[str, int, int, int, int], Scope]

    if TYPE_CHECKING:  # provided by Compiler
        def emit(self, op: str, a: int = 0, b: int = 0, c: int = 0) -> int: ...
        def emit_jump(self, op: str, a: int = 0) -> int: ...
        def patch(self, pc: int, target: int | None = None) -> None: ...
        def alloc(self, n: int = 1) -> int: ...
        def block(self, body: list[ast.stmt]) -> None: ...
        def expr(self, node: ast.expr, dst: int | None = None) -> int: ...
        def expr_into(self, node: ast.expr, dst: int) -> None: ...
        def store_name(self, name: str, r: int, node: ast.AST) -> None: ...
        def assign(self, t: ast.expr, r: int) -> None: ...
        def const(self, tag: str, payload: int) -> int: ...
        def string(self, s: str) -> int: ...
        def global_slot(self, name: str) -> int: ...
        def jump_if(self, node: ast.expr, when: bool) -> list[int]: ...
        def error(self, node: ast.AST, what: str, kind: str = "unsupported") -> CompileError: ...
        def target(self, dst: int | None) -> int: ...
        def function_def(self, node: ast.FunctionDef, store: bool = True) -> int: ...
        def is_local(self, name: str) -> bool: ...
        def is_cell(self, name: str, in_class: bool = True) -> bool: ...
        def _qualname(self, name: str) -> str: ...

    # ---- regions and blocks ---------------------------------------------------------
    def open_block(self, block: Block) -> Block:
        self.f.blocks.append(block)
        if block.region is not None:
            block.region.open(len(self.f.code))
        return block

    def close_block(self, block: Block) -> None:
        popped = self.f.blocks.pop()
        assert popped is block
        if block.region is not None:
            block.region.close(len(self.f.code))

    def set_handler(self, region: Region) -> None:
        """The next instruction is the handler of ``region``: record its table entries."""
        for s, e in region.segments:
            self.f.exc.append((s, e, len(self.f.code), region.reg))

    def unwind_to(self, depth: int) -> list[Block]:
        """Emit the cleanups of every block above ``depth`` (innermost first).

        Returns the blocks whose regions were suspended; call :meth:`resume` after
        emitting the jump or return that leaves them.
        """
        blocks = self.f.blocks
        suspended: list[Block] = []
        pc = len(self.f.code)
        for k in range(len(blocks) - 1, depth - 1, -1):
            b = blocks[k]
            if b.region is not None and b.region.start is not None:
                b.region.close(pc)
                suspended.append(b)
            if b.kind == "handler":
                self.emit("POPEXC", b.saved)
                if b.unbind is not None:
                    self.unbind_name(b.unbind)
            elif b.kind in ("finally", "with"):
                saved_blocks = self.f.blocks
                self.f.blocks = blocks[:k]
                mark = self.f.top
                if b.kind == "finally":
                    self.block(b.body)
                else:
                    self.with_exit_none(b.mgr)
                self.f.top = mark
                self.f.blocks = saved_blocks
            pc = len(self.f.code)
        return suspended

    def resume(self, blocks: list[Block]) -> None:
        for b in blocks:
            assert b.region is not None
            b.region.open(len(self.f.code))

    def cleanup_handler(self, region: Region, saved: int) -> None:
        """Handler of an except/finally body: restore the handled exception and re-raise."""
        self.set_handler(region)
        self.emit("POPEXC", saved)
        self.emit("RERAISE", region.reg)

    # ---- try ---------------------------------------------------------------------------
    def s_Try(self, s: ast.Try) -> None:
        if s.finalbody:
            self.try_finally(s)
        else:
            self.try_except(s)

    def s_TryStar(self, s: ast.stmt) -> None:
        raise self.error(s, "except* (exception groups)")

    def try_finally(self, s: ast.Try) -> None:
        region = Region(self.alloc())
        blk = self.open_block(Block("finally", region, body=s.finalbody))
        if s.handlers:
            self.try_except(s)
        else:
            self.block(s.body)
        self.close_block(blk)
        self.block(s.finalbody)                       # the normal way out
        end = self.emit_jump("JMP")
        self.set_handler(region)                      # the exceptional way out
        saved = self.alloc()
        self.emit("PUSHEXC", saved, region.reg)
        inner = self.open_block(Block("handler", Region(self.alloc()), saved=saved))
        self.block(s.finalbody)
        self.close_block(inner)
        self.emit("POPEXC", saved)
        self.emit("RERAISE", region.reg)
        assert inner.region is not None
        self.cleanup_handler(inner.region, saved)
        self.patch(end)

    def try_except(self, s: ast.Try) -> None:
        region = Region(self.alloc())
        blk = self.open_block(Block("try", region))
        self.block(s.body)
        self.close_block(blk)
        if s.orelse:
            self.block(s.orelse)
        ends = [self.emit_jump("JMP")]
        self.set_handler(region)
        exc = region.reg
        saved = self.alloc()
        self.emit("PUSHEXC", saved, exc)
        inner = self.open_block(Block("handler", Region(self.alloc()), saved=saved))
        for h in s.handlers:
            self.line = h.lineno
            skip: int | None = None
            if h.type is not None:
                mark = self.f.top
                t = self.expr(h.type)
                r = self.alloc()
                self.emit("EXCMATCH", r, exc, t)
                skip = self.emit_jump("JMPIFNOT", r)
                self.f.top = mark
            named: Block | None = None
            if h.name is not None:
                self.store_name(h.name, exc, h)
                if self.cls is None:        # as CPython: the name is unbound however the handler is left
                    named = self.open_block(Block("handler", Region(self.alloc()), saved=saved, unbind=h.name))
            self.block(h.body)
            if named is not None:
                self.close_block(named)
            self.emit("POPEXC", saved)
            if named is not None:
                self.unbind_name(h.name or "")
            ends.append(self.emit_jump("JMP"))
            if named is not None and named.region is not None:      # left by an exception
                self.set_handler(named.region)
                self.unbind_name(h.name or "")
                self.emit("POPEXC", saved)
                self.emit("RERAISE", named.region.reg)
            if skip is not None:
                self.patch(skip)
        self.emit("POPEXC", saved)                    # no clause matched
        self.emit("RERAISE", exc)
        self.close_block(inner)
        assert inner.region is not None
        self.cleanup_handler(inner.region, saved)
        for pc in ends:
            self.patch(pc)

    def unbind_name(self, name: str) -> None:
        """Unbind the name of ``except E as name`` (CPython: ``name = None; del name``): a plain
        local's register, a cell's contents or a global (then NameError when read)."""
        if self.is_local(name):
            self.emit("UNBIND", self.f.locals[name])
            return
        mark = self.f.top
        t = self.alloc()
        self.emit("UNBIND", t)
        if self.is_cell(name):
            self.emit("STORECELL", self.f.locals[name], t)
        else:
            self.emit("SETGLOBAL", t, self.global_slot(name))
        self.f.top = mark

    # ---- raise and assert -------------------------------------------------------------------
    def s_Raise(self, s: ast.Raise) -> None:
        if s.exc is None:
            self.emit("RAISECUR")
            return
        r = self.expr(s.exc)
        if s.cause is None:
            self.emit("RAISE", r, 0, 0)
        else:
            c = self.expr(s.cause)
            self.emit("RAISE", r, 1, c)

    def s_Assert(self, s: ast.Assert) -> None:
        ok = self.jump_if(s.test, True)
        base = self.alloc()
        self.emit("GETGLOBAL", base, self.global_slot("AssertionError"))
        nargs = 0
        if s.msg is not None:
            self.expr_into(s.msg, self.alloc())
            nargs = 1
        self.emit("CALL", base, nargs, 0)
        self.emit("RAISE", base, 0, 0)
        for pc in ok:
            self.patch(pc)

    # ---- with ---------------------------------------------------------------------------------
    def with_exit_none(self, mgr: int) -> None:
        """mgr.__exit__(None, None, None)."""
        base = self.alloc(5)
        self.emit("MOVE", base + 1, mgr)
        self.emit("METHOD", base, self.const("STR", self.string("__exit__")))
        for k in range(2, 5):
            self.emit("LOADNONE", base + k)
        self.emit("CALL", base, 4, 0)

    def s_With(self, s: ast.With) -> None:
        self.with_items(s.items, s.body)

    def with_items(self, items: list[ast.withitem], body: list[ast.stmt]) -> None:
        item = items[0]
        mgr = self.alloc()
        self.expr_into(item.context_expr, mgr)
        mark = self.f.top
        base = self.alloc(2)
        self.emit("MOVE", base + 1, mgr)
        self.emit("METHOD", base, self.const("STR", self.string("__enter__")))
        self.emit("CALL", base, 1, 0)
        if item.optional_vars is not None:
            self.assign(item.optional_vars, base)
        self.f.top = mark
        region = Region(self.alloc())
        blk = self.open_block(Block("with", region, mgr=mgr))
        if len(items) > 1:
            self.with_items(items[1:], body)
        else:
            self.block(body)
        self.close_block(blk)
        mark = self.f.top
        self.with_exit_none(mgr)
        self.f.top = mark
        end = self.emit_jump("JMP")
        self.set_handler(region)
        exc = region.reg
        saved = self.alloc()
        self.emit("PUSHEXC", saved, exc)
        inner = self.open_block(Block("handler", Region(self.alloc()), saved=saved))
        base = self.alloc(5)
        self.emit("MOVE", base + 1, mgr)
        self.emit("METHOD", base, self.const("STR", self.string("__exit__")))
        self.emit("TYPEOF", base + 2, exc)
        self.emit("MOVE", base + 3, exc)
        self.emit("LOADNONE", base + 4)
        self.emit("CALL", base, 4, 0)
        suppress = self.emit_jump("JMPIF", base)
        self.emit("POPEXC", saved)
        self.emit("RERAISE", exc)
        self.patch(suppress)
        self.emit("POPEXC", saved)
        self.close_block(inner)
        end2 = self.emit_jump("JMP")
        assert inner.region is not None
        self.cleanup_handler(inner.region, saved)
        self.patch(end)
        self.patch(end2)

    # ---- classes ------------------------------------------------------------------------------
    def s_ClassDef(self, s: ast.ClassDef) -> None:
        """A class statement, at any level.  The class object is made first (NEWCLASS, with the
        bases); its body then runs inline in the enclosing function (or module), storing the
        names it binds as class attributes; the class is stored in its name last."""
        if s.keywords:
            raise self.error(s.keywords[0], "class keywords (metaclasses)")
        if any(isinstance(b, ast.Starred) for b in s.bases):
            raise self.error(s.bases[0], "starred base classes")
        scope = self.scopes[where(s)]
        qual = self._qualname(s.name)
        decs = []
        for d in s.decorator_list:                    # evaluated first, applied to the finished class
            decs.append(self.alloc())
            self.expr_into(d, decs[-1])
        r = self.alloc(2)
        if len(s.bases) > 1:                          # several bases: a tuple (NEWCLASS computes the C3 MRO)
            mark = self.f.top
            items = self.alloc(len(s.bases))
            for i, b in enumerate(s.bases):
                self.expr_into(b, items + i)
            self.emit("NEWTUPLE", r + 1, items, len(s.bases))
            self.f.top = mark
        elif s.bases:
            self.expr_into(s.bases[0], r + 1)
        else:
            self.emit("LOADNONE", r + 1)
        self.line = s.lineno
        self.emit("NEWCLASS", r, self.const("STR", self.string(qual)))
        cell = None
        if any("__class__" in c.free for c in scope.children):   # methods using zero-argument super()
            cell = self.alloc()
            self.emit("MKCELL", cell, r, 1)
        outer, loops = self.cls, self.f.loops
        self.cls = ClassCtx(s.name, qual, r, cell, {n for n in scope.assigned})
        self.f.loops = []                             # break/continue cannot leave a class body
        try:
            t = self.alloc()                          # __module__ and __doc__ first, as CPython
            self.emit("LOADK", t, self.const("STR", self.string("__main__")))
            self.class_store("__module__", t)
            doc = ast.get_docstring(s, clean=False)
            if doc is None:
                self.emit("LOADNONE", t)
            else:
                self.emit("LOADK", t, self.const("STR", self.string(doc)))
            self.class_store("__doc__", t)
            self.f.top = t
            self.block(_skip_docstring(s.body))
        finally:
            self.cls, self.f.loops = outer, loops
        self.line = s.lineno
        v = r
        for dr in reversed(decs):
            base = self.alloc(2)
            self.emit("MOVE", base, dr)
            self.emit("MOVE", base + 1, v)
            self.emit("CALL", base, 1, 0)
            v = base
        self.store_name(s.name, v, s)

    def class_store(self, name: str, r: int) -> None:
        """setattr(<the class being defined>, name, R[r])."""
        assert self.cls is not None
        k = self.const("STR", self.string(name))
        if k <= 255:
            self.emit("SETATTRK", self.cls.reg, k, r)
        else:
            self.emit("MOVE", self.cls.reg + 1, r)
            self.emit("SETATTR", self.cls.reg, k)
        self.cls.attrs.add(name)

    def class_name_load(self, name: str, dst: int | None) -> int | None:
        """A name read in a class body that is a class attribute defined above, else None."""
        if self.cls is None or name not in self.cls.attrs:
            return None
        r = self.target(dst)
        k = self.const("STR", self.string(name))
        if k <= 255:
            self.emit("GETATTRK", r, self.cls.reg, k)
        else:
            self.emit("MOVE", r, self.cls.reg)
            self.emit("GETATTR", r, k)
        return r

    def e_super(self, n: ast.Call, dst: int | None) -> int:
        """super() in a method: super(<its class>, <its first parameter>)."""
        if n.args or n.keywords:
            if len(n.args) != 2 or n.keywords:
                raise self.error(n, "super() with other than zero or two arguments")
            mark = self.f.top
            c, o = self.expr(n.args[0]), self.expr(n.args[1])
            self.f.top = mark
            r = self.target(dst)
            self.emit("SUPER", r, c, o)
            return r
        if self.f.cls is None or self.f.nparams == 0:
            raise self.error(n, "super() outside a method (or in a method without parameters)", "error")
        mark = self.f.top
        c = self.alloc()
        if "__class__" in self.f.frees:               # a nested class: the cell made at its class statement
            self.emit("LOADCELL", c, self.f.locals["__class__"], 1)
        else:                                         # a top-level class: by its global name
            self.emit("GETGLOBAL", c, self.global_slot(self.f.cls))
        self.f.top = mark
        r = self.target(dst)
        self.emit("SUPER", r, c, 0)
        return r
