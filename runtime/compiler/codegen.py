"""Code generation: Python ``ast`` -> register bytecode for the Drift abstract machine.

The machine is a register VM (like Lua's): a function's parameters and
locals live in fixed registers 0..n-1, temporaries are allocated above them
in stack order.  ``expr(node, dst)`` leaves the value of ``node`` in ``dst``
(or in a register it chooses when ``dst`` is None) and returns that register.
Anything outside the supported subset raises :class:`CompileError`.
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field

from .. import bcformat, isa
from ..bcformat import CTAG
from ..errors import CompileError
from .excgen import Block, ClassCtx, ExcGen
from .flow import unsafe_reads
from .scope import COMPREHENSIONS, Scope, analyze, where

MAX_REGS = bcformat.CONST["MAX_REGS"]
FFLAG = {k[len("FFLAG_"):]: v for k, v in bcformat.CONST.items() if k.startswith("FFLAG_")}

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "ADD", ast.Sub: "SUB", ast.Mult: "MUL", ast.Div: "TRUEDIV",
    ast.FloorDiv: "FLOORDIV", ast.Mod: "MOD", ast.Pow: "POW", ast.BitAnd: "BAND",
    ast.BitOr: "BOR", ast.BitXor: "BXOR", ast.LShift: "SHL", ast.RShift: "SHR",
}
_UNOPS: dict[type[ast.unaryop], str] = {
    ast.USub: "NEG", ast.UAdd: "POS", ast.Invert: "INVERT", ast.Not: "NOT",
}
_CMPOPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "EQ", ast.NotEq: "NE", ast.Lt: "LT", ast.LtE: "LE", ast.Gt: "GT",
    ast.GtE: "GE", ast.Is: "IS", ast.IsNot: "ISNOT", ast.In: "IN", ast.NotIn: "NOTIN",
}
#: Augmented assignments: in-place opcodes (sets and dicts change in place, ``__isub__``...).
_INPLACE: dict[type[ast.operator], str] = {
    ast.Add: "IADD", ast.Sub: "ISUB", ast.Mult: "IMUL", ast.BitOr: "IBOR", ast.BitAnd: "IBAND", ast.BitXor: "IBXOR",
    ast.Div: "ITRUEDIV", ast.FloorDiv: "IFLOORDIV", ast.Mod: "IMOD", ast.Pow: "IPOW", ast.LShift: "ISHL",
    ast.RShift: "ISHR",
}
#: Single comparisons in conditions compile to compare-and-test + JMP (``!=`` is TEQ negated).
_TESTOPS: dict[type[ast.cmpop], tuple[str, bool]] = {
    ast.Lt: ("TLT", True), ast.LtE: ("TLE", True), ast.Gt: ("TGT", True), ast.GtE: ("TGE", True),
    ast.Eq: ("TEQ", True), ast.NotEq: ("TEQ", False),
}


def _concat_chain(n: ast.BinOp) -> list[ast.expr] | None:
    """The operands of ``a + b + c ...`` (3 or more, the left-nested spine) when
    one is a str constant or an f-string: compiled to CONCAT (Codegen.concat)."""
    operands: list[ast.expr] = []
    node: ast.expr = n
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        operands.append(node.right)
        node = node.left
    operands.append(node)
    if len(operands) < 3 or len(operands) > 64:
        return None
    if not any(isinstance(x, ast.JoinedStr) or (isinstance(x, ast.Constant) and isinstance(x.value, str))
               for x in operands):
        return None
    operands.reverse()
    return operands


def _imm8(node: ast.expr) -> int | None:
    """The value of an int constant that fits a signed 8-bit immediate, else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int and -128 <= node.value <= 127:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and type(node.operand.value) is int and 0 <= node.operand.value <= 128:
        return -node.operand.value
    return None


#: Built-in modules.  ``import m`` binds ``m`` at compile time: ``m.f`` is the
#: built-in global named "m.f" (a name no program can spell, so no clash).
MODULES = frozenset({"drift", "math", "sys", "time"})

#: Built-in functions the VM binds every global of that name to when it loads a
#: program (guest/vm/builtins.c, type 0): a name the program never binds always
#: holds its built-in.
_BUILTIN_FUNCS = frozenset({
    "print", "len", "range", "str", "repr", "int", "float", "bool", "abs", "min", "max", "sum", "list",
    "tuple", "dict", "sorted", "reversed", "ord", "chr", "divmod", "map", "filter", "iter", "next", "any",
    "all", "hex", "oct", "bin", "hash", "pow", "format", "set", "frozenset", "bytes", "enumerate", "zip",
    "round", "isinstance", "issubclass", "type", "getattr", "hasattr", "setattr",
})
#: The built-ins worth a CALLG: those its handler runs inline (interp.c); other
#: natives measured no faster fused (fannkuch's and nbody's range() calls).
_CALLG_INLINE = frozenset({"len", "str"})
#: CALLG packs the global's slot and the argument count into Bx: slot << 4 | nargs.
_CALLG_MAX_ARGS, _CALLG_MAX_SLOT = 15, 4095


def _bound_names(tree: ast.AST) -> dict[str, list[ast.AST]]:
    """Every node that binds (or deletes) each identifier, in any scope: an
    over-approximation of the stores to a global of that name."""
    out: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        names: list[str | None] = []
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names = [node.id]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.alias):
            names = [node.asname or node.name.split(".")[0]]
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            names = [node.name]
        elif isinstance(node, ast.MatchMapping):
            names = [node.rest]
        for name in names:
            if name is not None:
                out.setdefault(name, []).append(node)
    return out


def _stable_globals(tree: ast.Module) -> dict[str, int]:
    """Globals whose value cannot change once bound, and since when they are
    bound: name -> -1 (a built-in the program never binds: bound from the
    start) or j (bound once, by ``tree.body[j]``, an undecorated top-level def
    that no other statement binds, assigns or deletes).  Such a global is bound
    and constant in every statement after ``tree.body[j]`` and in the def's own
    body (its function object exists only once it is stored): a call of it
    there can load it after evaluating the arguments (CALLG) -- CPython loads
    it before, but nothing the arguments do can change it or make it unbound."""
    bound = _bound_names(tree)
    out = {name: -1 for name in _BUILTIN_FUNCS if name not in bound}
    top = {id(s): j for j, s in enumerate(tree.body)}
    for name, nodes in bound.items():
        (node,) = nodes if len(nodes) == 1 else (None,)
        if isinstance(node, ast.FunctionDef) and not node.decorator_list and id(node) in top:
            out[name] = top[id(node)]
    return out


#: How unsupported constructs are named in error messages.
_FRIENDLY = {
    "ClassDef": "classes", "Try": "try statements", "TryStar": "try statements",
    "Raise": "raise statements", "With": "with statements",
    "Await": "async", "AsyncFunctionDef": "async functions",
    "AsyncFor": "async for", "AsyncWith": "async with",
    "Assert": "assert statements", "NamedExpr": "assignment expressions (:=)",
    "Match": "match statements", "Starred": "starred expressions",
}
#: Expressions whose code writes ``dst`` more than once: never compiled straight into a named local.
_MULTI_WRITE = (ast.BoolOp, ast.IfExp, ast.Compare)


@dataclass
class _Loop:
    start: int
    breaks: list[int] = field(default_factory=list)
    depth: int = 0  # len(blocks) when the loop began: break/continue unwind the blocks above


@dataclass
class _Func:
    """State of the function being compiled."""

    name: str
    is_module: bool
    locals: dict[str, int] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    code: list[int] = field(default_factory=list)
    lines: list[tuple[int, int]] = field(default_factory=list)
    top: int = 0
    maxregs: int = 0
    loops: list[_Loop] = field(default_factory=list)
    exc: list[tuple[int, int, int, int]] = field(default_factory=list)  # exception table
    blocks: list[Block] = field(default_factory=list)  # try/finally/with/handler blocks open
    cls: str | None = None  # a method: its class's (global) name, for super()
    nparams: int = 0
    cells: set[str] = field(default_factory=set)  # locals captured by inner functions (registers hold cells)
    frees: set[str] = field(default_factory=set)  # captured from enclosing functions (registers hold cells)
    qualname: str = ""
    generator: bool = False
    unsafe: set[int] = field(default_factory=set)  # ids of Name reads that need CHKLOCAL (flow.py)


class Compiler(ExcGen):
    """Compiles one module.  Use :func:`runtime.compiler.compile_source`."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.strings: list[bytes] = []
        self._string_ix: dict[bytes, int] = {}
        self.consts: list[tuple[int, int]] = []
        self._const_ix: dict[tuple[int, int], int] = {}
        self.functions: list[bcformat.Function] = []
        self.global_names: list[int] = []
        self._global_ix: dict[str, int] = {}
        self.f = _Func("<module>", True)
        self.line = 1
        self.node: ast.AST | None = None
        self.modules: dict[str, str] = {}  # alias -> built-in module name
        self.cls: ClassCtx | None = None  # the class whose body is being compiled (inline in self.f)
        self.stable: dict[str, int] = {}  # _stable_globals() of the module
        self.top_stmt = 0  # the index of the top-level statement being compiled
        self.top_defs: list[ast.stmt] = []  # the module's top-level statements
        self.in_body: set[int] = set()  # ids of the defs whose bodies are being compiled

    # ---- errors -------------------------------------------------------------
    def error(self, node: ast.AST, what: str, kind: str = "unsupported") -> CompileError:
        line = getattr(node, "lineno", self.line)
        col = getattr(node, "col_offset", 0) + 1
        return CompileError(self.filename, line, col, f"{kind}: {what}")

    # ---- pools ----------------------------------------------------------------
    def string(self, s: str) -> int:
        b = s.encode("utf-8", "surrogatepass")
        if b not in self._string_ix:
            self._string_ix[b] = len(self.strings)
            self.strings.append(b)
        return self._string_ix[b]

    def const(self, tag: str, payload: int) -> int:
        key = (CTAG[tag], payload)
        if key not in self._const_ix:
            if len(self.consts) > isa.BX_MAX:
                raise self.error(self.node or ast.Module([], []), "more than 65536 constants in one program")
            self._const_ix[key] = len(self.consts)
            self.consts.append(key)
        return self._const_ix[key]

    def const_value(self, node: ast.Constant) -> int:
        v = node.value
        if v is None:
            return self.const("NONE", 0)
        if v is True:
            return self.const("TRUE", 0)
        if v is False:
            return self.const("FALSE", 0)
        if isinstance(v, int):
            if not -(1 << 63) <= v < (1 << 63):
                return self.const("BIGINT", self.string(("-" if v < 0 else "") + format(abs(v), "x")))
            return self.const("INT", v & 0xFFFFFFFFFFFFFFFF)
        if isinstance(v, float):
            return self.const("FLOAT", struct.unpack("<Q", struct.pack("<d", v))[0])
        if isinstance(v, str):
            return self.const("STR", self.string(v))
        if isinstance(v, bytes):
            return self.const("BYTES", self.string(v.hex()))
        raise self.error(node, f"{type(v).__name__} literals")

    def global_slot(self, name: str) -> int:
        if name not in self._global_ix:
            self._global_ix[name] = len(self.global_names)
            self.global_names.append(self.string(name))
        return self._global_ix[name]

    # ---- emission ---------------------------------------------------------------
    def emit(self, op: str, a: int = 0, b: int = 0, c: int = 0) -> int:
        f = self.f
        if not f.lines or f.lines[-1][1] != self.line:
            if f.lines and f.lines[-1][0] == len(f.code):
                f.lines[-1] = (len(f.code), self.line)
            else:
                f.lines.append((len(f.code), self.line))
        try:
            f.code.append(isa.encode(op, a, b, c))
        except ValueError as e:
            raise self.error(self.node or ast.Module([], []), f"function too large ({e})") from None
        return len(f.code) - 1

    def emit_jump(self, op: str, a: int = 0) -> int:
        """Emit a jump to be patched; returns its pc."""
        return self.emit(op, 0 if op == "JMP" else a, 0)

    def patch(self, pc: int, target: int | None = None) -> None:
        """Point the jump at ``pc`` to ``target`` (default: the next instruction emitted)."""
        target = len(self.f.code) if target is None else target
        op, a, _, _ = isa.decode(self.f.code[pc])
        off = target - (pc + 1)
        try:
            self.f.code[pc] = isa.encode(op.name, off) if op.fmt == "sJ" else isa.encode(op.name, a, off)
        except ValueError:
            raise self.error(self.node or ast.Module([], []), "jump too far: function too large") from None

    def jump_to(self, target: int) -> None:
        self.patch(self.emit_jump("JMP"), target)

    # ---- registers ----------------------------------------------------------------
    def alloc(self, n: int = 1) -> int:
        f = self.f
        r = f.top
        f.top += n
        if f.top > MAX_REGS:
            raise self.error(self.node or ast.Module([], []), f"expression needs more than {MAX_REGS} registers")
        f.maxregs = max(f.maxregs, f.top)
        return r

    def is_local(self, name: str) -> bool:
        """Does ``name`` live directly in a register of the current function?"""
        f = self.f
        if self.cls is not None and name in self.cls.bound:   # a class attribute of the class body being compiled
            return False
        return not f.is_module and name in f.locals and name not in f.globals \
            and name not in f.cells and name not in f.frees

    def is_cell(self, name: str, in_class: bool = True) -> bool:
        """Does ``name`` live in a cell (captured, or captured from outside)?  ``in_class``:
        as read by the class body being compiled (its own names are class attributes)."""
        f = self.f
        if in_class and self.cls is not None and name in self.cls.bound:
            return False
        return not f.is_module and (name in f.cells or name in f.frees) and name not in f.globals

    # ---- module and functions -------------------------------------------------------
    def module(self, tree: ast.Module) -> bcformat.Program:
        self.scopes: dict[tuple[str, int, int, int, int], Scope] = analyze(tree, self.filename)
        self.functions.append(bcformat.Function(self.string("<module>"), [], 0, 0, 1))
        self.stable, self.top_defs = _stable_globals(tree), list(tree.body)
        top = {id(s): j for j, s in enumerate(tree.body)}
        for s in _skip_docstring(tree.body):
            self.top_stmt = top[id(s)]
            self.stmt(s)
        self.emit("RETNONE")
        self._finish(0, self.f, 1)
        return bcformat.Program(self.strings, self.consts, self.functions, self.global_names,
                                entry=0, filename=self.string(self.filename))

    def _finish(self, index: int, f: _Func, first_line: int) -> None:
        fn = self.functions[index]
        fn.code, fn.lines, fn.nregs, fn.first_line = f.code, f.lines, max(f.maxregs, 1), first_line
        fn.exc = f.exc

    def function_def(self, node: ast.FunctionDef, store: bool = True) -> int:
        """Compile a def; store the function in its name (or return the register holding it)."""
        if node.decorator_list:
            if not store:
                raise self.error(node.decorator_list[0], "decorators")
            mark = self.f.top
            decs = []
            for d in node.decorator_list:              # evaluated before the function, applied after
                decs.append(self.alloc())
                self.expr_into(d, decs[-1])
            r = self.compile_function(node, node.name, node.args, node.body)
            for dr in reversed(decs):
                base = self.alloc(2)
                self.emit("MOVE", base, dr)
                self.emit("MOVE", base + 1, r)
                self.line = node.lineno
                self.emit("CALL", base, 1, 0)
                r = base
            self.store_name(node.name, r, node)
            self.f.top = mark
            return r
        r = self.compile_function(node, node.name, node.args, node.body)
        if not store:
            return r
        self.store_name(node.name, r, node)
        self.f.top = r
        return r

    def _qualname(self, name: str) -> str:
        if self.cls is not None:
            return f"{self.cls.qual}.{name}"
        if self.f.is_module:
            return name
        return f"{self.f.qualname}.<locals>.{name}"

    def compile_function(self, node: ast.FunctionDef | ast.Lambda | ast.expr, name: str, a: ast.arguments,
                         body: list[ast.stmt] | ast.expr) -> int:
        """Compile a function, lambda or comprehension body (``body`` a list of
        statements, an expression to return, or the comprehension node itself);
        emit the creation of its function object; return the register holding it."""
        scope = self.scopes[where(node)]
        posargs = [*a.posonlyargs, *a.args]
        params = [*posargs, *a.kwonlyargs] + ([a.vararg] if a.vararg else []) + ([a.kwarg] if a.kwarg else [])
        seen: set[str] = set()
        for arg in params:
            if arg.arg in seen:
                raise self.error(arg, f"duplicate argument '{arg.arg}' in function definition", "error")
            seen.add(arg.arg)
        index = len(self.functions)
        fobj = bcformat.Function(self.string(name), [], len(posargs), 0, getattr(node, "lineno", self.line))
        fobj.nkwonly, fobj.nposonly = len(a.kwonlyargs), len(a.posonlyargs)
        fobj.flags = (FFLAG["VARARGS"] if a.vararg else 0) | (FFLAG["VARKW"] if a.kwarg else 0) \
            | (FFLAG["GENERATOR"] if scope.generator else 0)
        qual = self._qualname(name)
        fobj.qualname = self.string(qual)
        self.functions.append(fobj)
        outer, outer_line = self.f, self.line
        f = _Func(name, False)
        f.qualname, f.generator = qual, scope.generator
        cls = self.cls
        f.cls, f.nparams = (cls.name if cls is not None else None), len(posargs)
        self.cls = None
        f.globals = set(scope.globals)
        f.cells, f.frees = set(scope.cells), set(scope.free)
        for n in scope.locals():
            f.locals[n] = len(f.locals)
        if len(f.locals) > MAX_REGS - 8:
            raise self.error(node, "too many local variables")
        fobj.nfree = len(scope.free)
        f.top = f.maxregs = len(f.locals)
        self.f = f
        self.line = getattr(node, "lineno", self.line)
        for n in sorted(f.cells, key=lambda x: f.locals[x]):
            if n in seen:
                self.emit("MKCELL", f.locals[n], f.locals[n], 1)
            else:
                self.emit("MKCELL", f.locals[n], 0, 0)
        plain = {n for n in f.locals if n not in seen and self.is_local(n)}
        f.unsafe, names = unsafe_reads(node, [x.arg for x in params], plain)
        for n in sorted(names, key=lambda x: f.locals[x]):   # read maybe before assigned: start unbound
            self.emit("UNBIND", f.locals[n])
        if isinstance(body, list):
            self.in_body.add(id(node))
            self.block(_skip_docstring(body))
            self.in_body.discard(id(node))
            self.emit("RETNONE")
        elif isinstance(node, COMPREHENSIONS):
            self.comprehension_body(node)
        else:
            self.emit("RETURN", self.expr(body))
        self._finish(index, f, getattr(node, "lineno", 1))
        fobj.names = [self.string(n) for n in f.locals]
        self.f, self.line, self.cls = outer, outer_line, cls
        return self.make_function(index, a, node, list(scope.free))

    def make_function(self, index: int, a: ast.arguments, node: ast.AST, frees: list[str]) -> int:
        """Emit the creation of function ``index`` (defaults evaluated now, free
        variables' cells collected from this function); returns its register."""
        kwdefaults = [(k.arg, d) for k, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None]
        if not a.defaults and not kwdefaults and not frees:
            r = self.alloc()
            self.emit("LOADK", r, self.const("FUNC", index))
            return r
        if len(a.defaults) > 200 or len(kwdefaults) > 100 or len(frees) > 200:
            raise self.error(node, "too many default values or free variables")
        base = self.alloc(3)
        if a.defaults:
            self._sequence(a.defaults, "NEWTUPLE", base)
        else:
            self.emit("LOADNONE", base)
        if kwdefaults:
            mark = self.f.top
            pairs = self.alloc(2 * len(kwdefaults))
            for i, (name, d) in enumerate(kwdefaults):
                self.emit("LOADK", pairs + 2 * i, self.const("STR", self.string(name)))
                self.expr_into(d, pairs + 2 * i + 1)
            self.emit("NEWDICT", base + 1, pairs, len(kwdefaults))
            self.f.top = mark
        else:
            self.emit("LOADNONE", base + 1)
        if frees:
            mark = self.f.top
            cells = self.alloc(len(frees))
            for i, name in enumerate(frees):
                if name == "__class__" and self.cls is not None and self.cls.cell is not None:
                    self.emit("MOVE", cells + i, self.cls.cell)   # a method's __class__ (zero-argument super())
                    continue
                if not self.is_cell(name, in_class=False):
                    raise self.error(node, f"free variable '{name}' is not a cell here")  # cannot happen
                self.emit("MOVE", cells + i, self.f.locals[name])
            self.emit("NEWTUPLE", base + 2, cells, len(frees))
            self.f.top = mark
        else:
            self.emit("LOADNONE", base + 2)
        self.emit("MAKEFUNC", base, self.const("FUNC", index))
        self.f.top = base + 1
        return base

    def e_Lambda(self, n: ast.Lambda, dst: int | None) -> int:
        r = self.compile_function(n, "<lambda>", n.args, n.body)
        if dst is not None and dst != r:
            self.emit("MOVE", dst, r)
            self.f.top = r
            return dst
        return r

    # ---- comprehensions and generator expressions -----------------------------------------
    _COMP_NAMES = {ast.ListComp: "<listcomp>", ast.SetComp: "<setcomp>", ast.DictComp: "<dictcomp>",
                   ast.GeneratorExp: "<genexpr>"}

    def comprehension(self, n: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp, dst: int | None) -> int:
        """As CPython 3.11: a function of one parameter (the first iterator) called at once."""
        if any(g.is_async for g in n.generators):
            raise self.error(n, "async comprehensions")
        base = self.alloc(2)
        self.expr_into(n.generators[0].iter, base + 1)
        self.emit("GETITER", base + 1, base + 1)
        mark = self.f.top
        noargs = ast.arguments(posonlyargs=[], args=[ast.arg(".0")], vararg=None, kwonlyargs=[],
                               kw_defaults=[], kwarg=None, defaults=[])
        r = self.compile_function(n, self._COMP_NAMES[type(n)], noargs, n)
        self.emit("MOVE", base, r)
        self.f.top = mark
        self.emit("CALL", base, 1, 0)
        return self._call_result(base, dst)

    e_ListComp = e_SetComp = e_DictComp = e_GeneratorExp = comprehension

    def comprehension_body(self, n: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        acc = self.alloc()
        if isinstance(n, ast.ListComp):
            self.emit("NEWLIST", acc, 0, 0)
        elif isinstance(n, ast.DictComp):
            self.emit("NEWDICT", acc, 0, 0)
        elif isinstance(n, ast.SetComp):
            self.emit("NEWSET", acc, 0, 0)
        exits: list[int] = []
        starts: list[int] = []
        for i, g in enumerate(n.generators):
            it = self.alloc(2)
            if i == 0:
                self.emit("MOVE", it, self.f.locals[".0"])
            else:
                self.expr_into(g.iter, it)
                self.emit("GETITER", it, it)
            starts.append(len(self.f.code))
            exits.append(self.emit_jump("FORITER", it))
            mark = self.f.top
            self.assign(g.target, it + 1)
            self.f.top = mark
            for cond in g.ifs:
                for pc in self.jump_if(cond, False):
                    self.patch(pc, starts[-1])
        mark = self.f.top
        if isinstance(n, ast.ListComp):
            self.emit("LISTAPPEND", acc, self.expr(n.elt))
        elif isinstance(n, ast.SetComp):
            self.emit("SETADD", acc, self.expr(n.elt))
        elif isinstance(n, ast.DictComp):
            k = self.expr(n.key)
            self.emit("SETITEM", acc, k, self.expr(n.value))
        else:
            v = self.expr(n.elt)
            self.emit("YIELD", v, v)
        self.f.top = mark
        for i in reversed(range(len(n.generators))):
            self.jump_to(starts[i])
            self.patch(exits[i])
        if isinstance(n, ast.GeneratorExp):
            self.emit("RETNONE")
        else:
            self.emit("RETURN", acc)

    # ---- generators ----------------------------------------------------------------------
    def e_Yield(self, n: ast.Yield, dst: int | None) -> int:
        if not self.f.generator or self.cls is not None:
            raise self.error(n, "'yield' outside function", "error")
        r = self.target(dst)
        mark = self.f.top
        if n.value is None:
            v = self.alloc()
            self.emit("LOADNONE", v)
        else:
            v = self.expr(n.value)
        self.f.top = mark
        self.emit("YIELD", r, v)
        return r

    def e_YieldFrom(self, n: ast.YieldFrom, dst: int | None) -> int:
        if not self.f.generator or self.cls is not None:
            raise self.error(n, "'yield' outside function", "error")
        r = self.target(dst)
        mark = self.f.top
        it = self.alloc()
        self.expr_into(n.value, it)
        self.emit("GETITER", it, it)
        self.f.top = mark
        self.emit("YIELDFROM", r, it)
        return r

    # ---- statements -----------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for s in body:
            self.stmt(s)

    def stmt(self, s: ast.stmt) -> None:
        self.line, self.node = s.lineno, s
        mark = self.f.top
        method = getattr(self, "s_" + type(s).__name__, None)
        if method is None:
            raise self.error(s, _FRIENDLY.get(type(s).__name__, f"statement '{type(s).__name__}'"))
        method(s)
        self.f.top = mark

    def s_Expr(self, s: ast.Expr) -> None:
        self.expr(s.value)

    def s_Pass(self, s: ast.Pass) -> None:
        pass

    def s_FunctionDef(self, s: ast.FunctionDef) -> None:
        self.function_def(s)

    def s_Global(self, s: ast.Global) -> None:
        if self.cls is not None:
            raise self.error(s, "'global' in a class body")
        # resolved by the scope analysis (scope.py)

    def s_Nonlocal(self, s: ast.Nonlocal) -> None:
        if self.cls is not None:
            raise self.error(s, "'nonlocal' in a class body")
        # resolved by the scope analysis (scope.py)

    def s_Import(self, s: ast.Import) -> None:
        if self.cls is not None:
            raise self.error(s, "'import' in a class body")
        for alias in s.names:
            if alias.name not in MODULES:
                raise self.error(s, f"module '{alias.name}' (built-in modules: {', '.join(sorted(MODULES))})")
            self.modules[alias.asname or alias.name] = alias.name

    def s_ImportFrom(self, s: ast.ImportFrom) -> None:
        if s.module not in MODULES or s.level:
            raise self.error(s, f"module '{s.module}' (built-in modules: {', '.join(sorted(MODULES))})")
        for alias in s.names:
            if alias.name == "*":
                raise self.error(s, "'from ... import *'")
            r = self.alloc()
            self.emit("GETGLOBAL", r, self.global_slot(f"{s.module}.{alias.name}"))
            self.store_name(alias.asname or alias.name, r, s)
            self.f.top = r

    def module_attr(self, node: ast.expr) -> str | None:
        """"m.f" if ``node`` is ``m.f`` for an imported built-in module ``m``, else None."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in self.modules and not self.is_local(node.value.id):
            return f"{self.modules[node.value.id]}.{node.attr}"
        return None

    def s_Return(self, s: ast.Return) -> None:
        if self.f.is_module or self.cls is not None:
            raise self.error(s, "'return' outside function", "error")
        if not self.f.blocks:
            if s.value is None:
                self.emit("RETNONE")
            else:
                self.emit("RETURN", self.expr(s.value))
            return
        r = self.alloc()                              # leaving try/with blocks: cleanups first
        if s.value is None:
            self.emit("LOADNONE", r)
        else:
            self.expr_into(s.value, r)
        left = self.unwind_to(0)
        self.emit("RETURN", r)
        self.resume(left)

    def s_Assign(self, s: ast.Assign) -> None:
        if len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and self.is_local(s.targets[0].id):
            self.expr_into(s.value, self.f.locals[s.targets[0].id])
            return
        r = self.expr(s.value)
        for t in s.targets:
            self.assign(t, r)

    def s_AnnAssign(self, s: ast.AnnAssign) -> None:
        if s.value is None:
            return
        self.assign(s.target, self.expr(s.value))

    def assign(self, t: ast.expr, r: int) -> None:
        """Store register ``r`` into an assignment target."""
        if isinstance(t, ast.Name):
            self.store_name(t.id, r, t)
        elif isinstance(t, ast.Subscript):
            obj = self.expr(t.value)
            imm = _imm8(t.slice)
            if imm is not None:
                self.emit("SETITEMI", obj, imm & 0xFF, r)
                return
            idx = self.subscript_index(t.slice)
            self.emit("SETITEM", obj, idx, r)
        elif isinstance(t, ast.Attribute):
            if self.module_attr(t) is not None:
                raise self.error(t, "assignment to an attribute of a built-in module")
            k = self.const("STR", self.string(t.attr))
            if k <= 255:
                obj = self.expr(t.value)
                self.emit("SETATTRK", obj, k, r)
                return
            base = self.alloc(2)
            self.expr_into(t.value, base)
            self.emit("MOVE", base + 1, r)
            self.emit("SETATTR", base, k)
        elif isinstance(t, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in t.elts):
                raise self.error(t, "starred assignment")
            n = len(t.elts)
            base = self.alloc(n)
            self.emit("UNPACK", base, r, n)
            for i, e in enumerate(t.elts):
                self.assign(e, base + i)
        else:
            raise self.error(t, f"assignment to {type(t).__name__}")

    def store_name(self, name: str, r: int, node: ast.AST) -> None:
        if self.cls is not None:                      # in a class body: a class attribute
            self.class_store(name, r)
            return
        if name in self.modules and not self.is_local(name):
            raise self.error(node, f"assignment to '{name}', the name of an imported module")
        if self.is_local(name):
            if self.f.locals[name] != r:
                self.emit("MOVE", self.f.locals[name], r)
        elif self.is_cell(name):
            self.emit("STORECELL", self.f.locals[name], r)
        else:
            self.emit("SETGLOBAL", r, self.global_slot(name))

    def s_AugAssign(self, s: ast.AugAssign) -> None:
        op = _INPLACE.get(type(s.op)) or _BINOPS.get(type(s.op))
        if op is None:
            raise self.error(s, f"operator {type(s.op).__name__}")
        t = s.target
        imm = _imm8(s.value) if op in ("IADD", "ISUB") else None
        if isinstance(t, ast.Name):
            cur = self.expr(t)
            dst = self.f.locals[t.id] if self.is_local(t.id) else cur
            if imm is not None:
                self.emit(("IADDI" if op == "IADD" else "ISUBI"), dst, cur, imm & 0xFF)
            else:
                self.emit(op, dst, cur, self.expr(s.value))
            self.store_name(t.id, dst, t)
        elif isinstance(t, ast.Subscript) and _imm8(t.slice) is not None:
            obj = self.expr(t.value)
            ix = (_imm8(t.slice) or 0) & 0xFF
            cur = self.alloc()
            self.emit("GETITEMI", cur, obj, ix)
            if imm is not None:
                self.emit(("IADDI" if op == "IADD" else "ISUBI"), cur, cur, imm & 0xFF)
            else:
                self.emit(op, cur, cur, self.expr(s.value))
            self.emit("SETITEMI", obj, ix, cur)
        elif isinstance(t, ast.Subscript):
            obj = self.expr(t.value)
            idx = self.subscript_index(t.slice)
            cur = self.alloc()
            self.emit("GETITEM", cur, obj, idx)
            if imm is not None:
                self.emit(("IADDI" if op == "IADD" else "ISUBI"), cur, cur, imm & 0xFF)
            else:
                self.emit(op, cur, cur, self.expr(s.value))
            self.emit("SETITEM", obj, idx, cur)
        elif isinstance(t, ast.Attribute) and self.module_attr(t) is None and \
                self.const("STR", self.string(t.attr)) <= 255:
            k = self.const("STR", self.string(t.attr))
            obj = self.expr(t.value)
            cur = self.alloc()
            self.emit("GETATTRK", cur, obj, k)
            if imm is not None:
                self.emit(("IADDI" if op == "IADD" else "ISUBI"), cur, cur, imm & 0xFF)
            else:
                self.emit(op, cur, cur, self.expr(s.value))
            self.emit("SETATTRK", obj, k, cur)
        elif isinstance(t, ast.Attribute) and self.module_attr(t) is None:
            base = self.alloc(2)
            self.expr_into(t.value, base)
            self.emit("MOVE", base + 1, base)
            self.emit("GETATTR", base + 1, self.const("STR", self.string(t.attr)))
            val = self.expr(s.value)
            self.emit(op, base + 1, base + 1, val)
            self.emit("SETATTR", base, self.const("STR", self.string(t.attr)))
        else:
            raise self.error(t, f"augmented assignment to {type(t).__name__}")

    def s_Delete(self, s: ast.Delete) -> None:
        for t in s.targets:
            mark = self.f.top
            if isinstance(t, (ast.Tuple, ast.List)):
                self.s_Delete(ast.Delete(targets=t.elts))
            elif isinstance(t, ast.Name):
                self.delete_name(t)
            elif isinstance(t, ast.Subscript):
                obj = self.expr(t.value)
                idx = self.subscript_index(t.slice)
                self.emit("DELITEM", obj, idx)
            elif isinstance(t, ast.Attribute):
                if self.module_attr(t) is not None:
                    raise self.error(t, "del of a module's attribute")
                obj = self.expr(t.value)
                self.emit("DELATTR", obj, self.const("STR", self.string(t.attr)))
            else:
                raise self.error(t, f"del of {type(t).__name__}")
            self.f.top = mark

    def delete_name(self, t: ast.Name) -> None:
        """del name: unbound from now on; CPython's error if it is not bound."""
        name = t.id
        if self.cls is not None:
            raise self.error(t, "del of a name in a class body")
        if name in self.modules and not self.is_local(name):
            raise self.error(t, f"del of '{name}', the name of an imported module")
        if self.is_local(name):
            if id(t) in self.f.unsafe:
                self.emit("CHKLOCAL", self.f.locals[name])
            self.emit("UNBIND", self.f.locals[name])
            return
        if self.is_cell(name):
            r = self.alloc()
            self.emit("LOADCELL", r, self.f.locals[name], 1 if name in self.f.frees else 0)
            self.emit("UNBIND", r)
            self.emit("STORECELL", self.f.locals[name], r)
        else:   # NameError if it is not bound (also a built-in's name the program never bound)
            self.emit("DELGLOBAL", 0, self.global_slot(name))

    def s_If(self, s: ast.If) -> None:
        skip = self.jump_if(s.test, False)
        self.block(s.body)
        if s.orelse:
            end = self.emit_jump("JMP")
            for pc in skip:
                self.patch(pc)
            self.block(s.orelse)
            self.patch(end)
        else:
            for pc in skip:
                self.patch(pc)

    def s_While(self, s: ast.While) -> None:
        loop = _Loop(len(self.f.code), depth=len(self.f.blocks))
        exits = self.jump_if(s.test, False)
        self.f.loops.append(loop)
        self.block(s.body)
        self.f.loops.pop()
        self.jump_to(loop.start)
        for pc in exits:
            self.patch(pc)
        self.block(s.orelse)  # 'else': run when the test fails, not after a break
        for pc in loop.breaks:
            self.patch(pc)

    def s_For(self, s: ast.For) -> None:
        it = self.alloc(2)
        self.expr_into(s.iter, it)
        self.emit("GETITER", it, it)
        loop = _Loop(len(self.f.code), depth=len(self.f.blocks))
        if isinstance(s.target, ast.Name) and self.is_local(s.target.id) \
                and s.target.id not in self.modules:
            # FORNEXT puts each item straight into the local; the JMP after it exits
            self.emit("FORNEXT", it, 0, self.f.locals[s.target.id])
            exit_pc = self.emit_jump("JMP")
        else:
            exit_pc = self.emit_jump("FORITER", it)
            mark = self.f.top
            self.assign(s.target, it + 1)
            self.f.top = mark
        self.f.loops.append(loop)
        self.block(s.body)
        self.f.loops.pop()
        self.jump_to(loop.start)
        self.patch(exit_pc)
        self.block(s.orelse)  # 'else': run when the iterator is exhausted, not after a break
        for pc in loop.breaks:
            self.patch(pc)

    def s_Break(self, s: ast.Break) -> None:
        if not self.f.loops:
            raise self.error(s, "'break' outside loop", "error")
        left = self.unwind_to(self.f.loops[-1].depth)
        self.f.loops[-1].breaks.append(self.emit_jump("JMP"))
        self.resume(left)

    def s_Continue(self, s: ast.Continue) -> None:
        if not self.f.loops:
            raise self.error(s, "'continue' not properly in loop", "error")
        left = self.unwind_to(self.f.loops[-1].depth)
        self.jump_to(self.f.loops[-1].start)
        self.resume(left)

    # ---- conditions -------------------------------------------------------------------
    def jump_if(self, node: ast.expr, when: bool) -> list[int]:
        """Emit code that jumps when ``bool(node) == when``; returns the jumps to patch."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.jump_if(node.operand, not when)
        if isinstance(node, ast.BoolOp):
            short = isinstance(node.op, ast.And) != when  # and/False, or/True: any one decides
            if short:
                out: list[int] = []
                for v in node.values:
                    out += self.jump_if(v, when)
                return out
            skip: list[int] = []
            for v in node.values[:-1]:
                skip += self.jump_if(v, not when)
            out = self.jump_if(node.values[-1], when)
            for pc in skip:
                self.patch(pc)
            return out
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Is, ast.IsNot)) \
                and isinstance(node.comparators[0], ast.Constant) and node.comparators[0].value is None:
            mark = self.f.top
            a = self.expr(node.left)
            self.emit("TNONE", a, 0, int(when == isinstance(node.ops[0], ast.Is)))
            self.f.top = mark
            return [self.emit_jump("JMP")]
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _TESTOPS:
            op, positive = _TESTOPS[type(node.ops[0])]
            mark = self.f.top
            a = self.expr(node.left)
            imm = _imm8(node.comparators[0])
            if imm is not None:
                self.emit(op + "I", a, imm & 0xFF, int(when == positive))
            else:
                self.emit(op, a, self.expr(node.comparators[0]), int(when == positive))
            self.f.top = mark
            return [self.emit_jump("JMP")]
        mark = self.f.top
        r = self.expr(node)
        self.f.top = mark
        return [self.emit_jump("JMPIF" if when else "JMPIFNOT", r)]

    # ---- expressions ----------------------------------------------------------------------
    def expr(self, node: ast.expr, dst: int | None = None) -> int:
        """Compile ``node``; its value ends in ``dst`` (or a register returned)."""
        self.line = getattr(node, "lineno", self.line)
        if dst is None and isinstance(node, ast.Name) and self.is_local(node.id):
            if id(node) in self.f.unsafe:
                self.emit("CHKLOCAL", self.f.locals[node.id])
            return self.f.locals[node.id]
        method = getattr(self, "e_" + type(node).__name__, None)
        if method is None:
            raise self.error(node, _FRIENDLY.get(type(node).__name__, f"expression '{type(node).__name__}'"))
        r: int = method(node, dst)
        return r

    def expr_into(self, node: ast.expr, dst: int) -> None:
        """Compile ``node`` into exactly ``dst``, safely even when ``dst`` is a named local."""
        if dst < len(self.f.locals) and isinstance(node, _MULTI_WRITE):
            mark = self.f.top
            r = self.expr(node)
            self.emit("MOVE", dst, r)
            self.f.top = mark
            return
        r = self.expr(node, dst)
        if r != dst:
            self.emit("MOVE", dst, r)

    def target(self, dst: int | None) -> int:
        return self.alloc() if dst is None else dst

    def e_Constant(self, n: ast.Constant, dst: int | None) -> int:
        r = self.target(dst)
        v = n.value
        if v is None:
            self.emit("LOADNONE", r)
        elif isinstance(v, bool):
            self.emit("LOADBOOL", r, int(v))
        elif isinstance(v, int) and -isa.SBX_BIAS <= v <= isa.BX_MAX - isa.SBX_BIAS:
            self.emit("LOADI", r, v)
        else:
            self.emit("LOADK", r, self.const_value(n))
        return r

    def e_Name(self, n: ast.Name, dst: int | None) -> int:
        if n.id in self.modules and not self.is_local(n.id):
            raise self.error(n, f"module '{n.id}' as a value (use its functions: {n.id}.name)")
        cr = self.class_name_load(n.id, dst)
        if cr is not None:
            return cr
        r = self.target(dst)
        if self.is_local(n.id):
            if id(n) in self.f.unsafe:
                self.emit("CHKLOCAL", self.f.locals[n.id])
            if r != self.f.locals[n.id]:
                self.emit("MOVE", r, self.f.locals[n.id])
        elif self.is_cell(n.id):
            self.emit("LOADCELL", r, self.f.locals[n.id], 1 if n.id in self.f.frees or self.cls is not None else 0)
        else:
            self.emit("GETGLOBAL", r, self.global_slot(n.id))
        return r

    def _operands(self, *nodes: ast.expr) -> list[int]:
        return [self.expr(x) for x in nodes]

    def e_BinOp(self, n: ast.BinOp, dst: int | None) -> int:
        op = _BINOPS.get(type(n.op))
        if op is None:
            raise self.error(n, f"operator {type(n.op).__name__}")
        chain = _concat_chain(n) if op == "ADD" else None
        if chain is not None:
            return self.concat(chain, dst)
        imm = _imm8(n.right) if op in ("ADD", "SUB") else None
        if imm is not None:
            mark = self.f.top
            b = self.expr(n.left)
            self.f.top = mark
            r = self.target(dst)
            self.emit(op + "I", r, b, imm & 0xFF)
            return r
        mark = self.f.top
        b, c = self._operands(n.left, n.right)
        self.f.top = mark
        r = self.target(dst)
        self.emit(op, r, b, c)
        return r

    def concat(self, operands: list[ast.expr], dst: int | None) -> int:
        """``a + b + c ...`` with a str among the operands: one CONCAT.

        The operands go to consecutive registers.  CPython adds ``a + b``
        before it evaluates ``c``: a CATCHK before each operand whose
        evaluation can be seen (anything but a constant or an assigned local)
        does the pending additions then, unless all are str (str + str runs
        no user code and cannot fail but for memory).
        """
        mark = base = self.f.top
        for j, x in enumerate(operands):
            if j >= 2 and not self._pure_operand(x):
                self.emit("CATCHK", base, j)
            r = self.alloc()                # the top register: a call's result lands in it
            assert r == base + j
            self.expr_into(x, r)
            self.f.top = r + 1
        self.f.top = mark
        r = self.target(dst)
        self.emit("CONCAT", r, base, len(operands))
        return r

    def _pure_operand(self, x: ast.expr) -> bool:
        """Can evaluating ``x`` neither raise nor run code (a constant, an assigned local)?"""
        if isinstance(x, ast.Constant):
            return True
        return isinstance(x, ast.Name) and self.is_local(x.id) and id(x) not in self.f.unsafe

    def e_UnaryOp(self, n: ast.UnaryOp, dst: int | None) -> int:
        if isinstance(n.op, ast.USub) and isinstance(n.operand, ast.Constant) \
                and type(n.operand.value) in (int, float):
            value = n.operand.value
            assert isinstance(value, (int, float))
            return self.e_Constant(ast.copy_location(ast.Constant(-value), n), dst)
        mark = self.f.top
        b = self.expr(n.operand)
        self.f.top = mark
        r = self.target(dst)
        self.emit(_UNOPS[type(n.op)], r, b)
        return r

    def e_BoolOp(self, n: ast.BoolOp, dst: int | None) -> int:
        r = self.target(dst)
        jumps = []
        op = "JMPIFNOT" if isinstance(n.op, ast.And) else "JMPIF"
        for v in n.values[:-1]:
            mark = self.f.top
            self.expr_into(v, r)
            self.f.top = mark
            jumps.append(self.emit_jump(op, r))
        self.expr_into(n.values[-1], r)
        for pc in jumps:
            self.patch(pc)
        return r

    def e_IfExp(self, n: ast.IfExp, dst: int | None) -> int:
        r = self.target(dst)
        mark = self.f.top
        skip = self.jump_if(n.test, False)
        self.expr_into(n.body, r)
        self.f.top = mark
        end = self.emit_jump("JMP")
        for pc in skip:
            self.patch(pc)
        self.expr_into(n.orelse, r)
        self.patch(end)
        return r

    def e_Compare(self, n: ast.Compare, dst: int | None) -> int:
        r = self.target(dst)
        mark = self.f.top
        left = self.expr(n.left)
        ends = []
        for i, (op, right_node) in enumerate(zip(n.ops, n.comparators, strict=True)):
            right = self.expr(right_node)
            self.emit(_CMPOPS[type(op)], r, left, right)
            if i < len(n.ops) - 1:
                ends.append(self.emit_jump("JMPIFNOT", r))
            left = right
        for pc in ends:
            self.patch(pc)
        self.f.top = max(mark, r + 1) if dst is None else mark
        return r

    def _sequence(self, elts: list[ast.expr], op: str, dst: int | None) -> int:
        if any(isinstance(e, ast.Starred) for e in elts):
            raise self.error(elts[0], "starred expressions in displays")
        if len(elts) > 200:
            raise self.error(elts[0], "more than 200 items in one display")
        mark = self.f.top
        base = self.f.top
        for i, e in enumerate(elts):          # one register at a time: each item is the top (calls land in place)
            self.f.top = base + i
            self.expr_into(e, self.alloc())
        self.f.top = mark
        r = self.target(dst)
        self.emit(op, r, base if elts else 0, len(elts))
        return r

    def e_List(self, n: ast.List, dst: int | None) -> int:
        return self._sequence(n.elts, "NEWLIST", dst)

    def e_Set(self, n: ast.Set, dst: int | None) -> int:
        # CPython 3.11 compiles a display of more than two constants to a frozenset
        # constant merged into an empty set, which gives another table layout.
        const = len(n.elts) > 2 and all(_folds_to_constant(e) for e in n.elts)
        return self._sequence(n.elts, "NEWSETK" if const else "NEWSET", dst)

    def e_Tuple(self, n: ast.Tuple, dst: int | None) -> int:
        return self._sequence(n.elts, "NEWTUPLE", dst)

    def e_Dict(self, n: ast.Dict, dst: int | None) -> int:
        if len(n.keys) > 100:
            raise self.error(n, "more than 100 items in one dict display")
        mark = self.f.top
        base = self.alloc(2 * len(n.keys))
        for i, (k, v) in enumerate(zip(n.keys, n.values, strict=True)):
            if k is None:
                raise self.error(v, "'**' in dict displays")
            self.expr_into(k, base + 2 * i)
            self.expr_into(v, base + 2 * i + 1)
        self.f.top = mark
        r = self.target(dst)
        self.emit("NEWDICT", r, base if n.keys else 0, len(n.keys))
        return r

    def subscript_index(self, s: ast.expr) -> int:
        """Compile a subscript (an index or a slice) into a register."""
        if isinstance(s, ast.Slice):
            base = self.alloc(3)
            for i, part in enumerate((s.lower, s.upper, s.step)):
                if part is None:
                    self.emit("LOADNONE", base + i)
                else:
                    self.expr_into(part, base + i)
            self.emit("NEWSLICE", base, base)
            return base
        return self.expr(s)

    def e_Subscript(self, n: ast.Subscript, dst: int | None) -> int:
        mark = self.f.top
        obj = self.expr(n.value)
        imm = _imm8(n.slice)
        if imm is not None:
            self.f.top = mark
            r = self.target(dst)
            self.emit("GETITEMI", r, obj, imm & 0xFF)
            return r
        idx = self.subscript_index(n.slice)
        self.f.top = mark
        r = self.target(dst)
        self.emit("GETITEM", r, obj, idx)
        return r

    def e_Attribute(self, n: ast.Attribute, dst: int | None) -> int:
        qualified = self.module_attr(n)
        if qualified is not None:
            r = self.target(dst)
            self.emit("GETGLOBAL", r, self.global_slot(qualified))
            return r
        k = self.const("STR", self.string(n.attr))
        if k <= 255:                    # GETATTRK: the object from any register, no MOVE
            mark = self.f.top
            obj = self.expr(n.value)
            self.f.top = mark
            r = self.target(dst)
            self.emit("GETATTRK", r, obj, k)
            return r
        r = self.target(dst)
        self.expr_into(n.value, r)
        self.emit("GETATTR", r, k)
        return r

    def e_Call(self, n: ast.Call, dst: int | None) -> int:
        if isinstance(n.func, ast.Name) and n.func.id == "super" and not self.is_local("super"):
            return self.e_super(n, dst)
        if any(isinstance(a, ast.Starred) for a in n.args) or any(k.arg is None for k in n.keywords):
            return self.call_ex(n, dst)
        # Into a temporary at the top (a tuple element, an argument): build the call
        # right there, so the result needs no MOVE.
        base = dst if dst is not None and dst + 1 == self.f.top and dst >= len(self.f.locals) else self.alloc()
        nargs = 0
        gslot = self.callg_slot(n)
        if gslot is not None:                  # CALLG: the global is loaded by the call itself
            for a in n.args:
                self.expr_into(a, self.alloc())
            self.line = n.lineno
            self.emit("CALLG", base, gslot << 4 | len(n.args))
            return self._call_result(base, dst)
        if isinstance(n.func, ast.Attribute) and self.module_attr(n.func) is None:
            self.alloc()
            k = self.const("STR", self.string(n.func.attr))
            v = n.func.value
            if k <= 255 and isinstance(v, ast.Name) and self.is_local(v.id):
                self.emit("METHODK", base, self.f.locals[v.id], k)   # copies self into base + 1
            else:
                self.expr_into(v, base + 1)
                self.emit("METHOD", base, k)
            nargs = 1
        else:
            self.expr_into(n.func, base)
        for a in n.args:
            self.expr_into(a, self.alloc())
            nargs += 1
        for kw in n.keywords:
            assert kw.arg is not None
            self.emit("LOADK", self.alloc(), self.const("STR", self.string(kw.arg)))
            self.expr_into(kw.value, self.alloc())
        if nargs > 255 or len(n.keywords) > 255:
            raise self.error(n, "too many arguments")
        self.line = n.lineno
        self.emit("CALL", base, nargs, len(n.keywords))
        return self._call_result(base, dst)

    def callg_slot(self, n: ast.Call) -> int | None:
        """The global slot of ``f`` when the call ``f(args)`` can be a CALLG: ``f``
        a global that is bound and constant wherever this call can run
        (_stable_globals), positional arguments only."""
        f = n.func
        if not isinstance(f, ast.Name) or n.keywords or len(n.args) > _CALLG_MAX_ARGS or self.cls is not None \
                or f.id in self.modules or self.is_local(f.id) or self.is_cell(f.id):
            return None
        j = self.stable.get(f.id)
        if j == -1 and not (f.id in _CALLG_INLINE and len(n.args) == 1):
            return None
        if j is None or not (j < self.top_stmt or id(self.top_defs[j]) in self.in_body):
            return None
        slot = self.global_slot(f.id)
        return slot if slot <= _CALLG_MAX_SLOT else None

    def _call_result(self, base: int, dst: int | None) -> int:
        self.f.top = base + 1
        if dst is not None and dst != base:
            self.emit("MOVE", dst, base)
            self.f.top = base
            return dst
        return base

    def call_ex(self, n: ast.Call, dst: int | None) -> int:
        """A call with ``*seq`` or ``**mapping``: arguments built into a list and a dict, then CALLEX."""
        base = self.alloc(3)
        if isinstance(n.func, ast.Attribute) and self.module_attr(n.func) is None:
            self.expr_into(n.func.value, base + 1)
            self.emit("METHOD", base, self.const("STR", self.string(n.func.attr)))
            self.emit("NEWLIST", base + 1, base + 1, 1)
        else:
            self.expr_into(n.func, base)
            self.emit("NEWLIST", base + 1, 0, 0)
        for a in n.args:
            mark = self.f.top
            if isinstance(a, ast.Starred):
                src = self.alloc()                    # LISTEXTEND turns R[B] into its iterator: never a named local
                self.expr_into(a.value, src)
                self.emit("LISTEXTEND", base + 1, src, base)
            else:
                self.emit("LISTAPPEND", base + 1, self.expr(a))
            self.f.top = mark
        if n.keywords:
            self.emit("NEWDICT", base + 2, 0, 0)
            for kw in n.keywords:
                mark = self.f.top
                if kw.arg is None:
                    self.emit("DICTMERGE", base + 2, self.expr(kw.value), base)
                else:
                    pair = self.alloc(2)
                    self.emit("LOADK", pair, self.const("STR", self.string(kw.arg)))
                    self.expr_into(kw.value, pair + 1)
                    self.emit("NEWDICT", pair, pair, 1)
                    self.emit("DICTMERGE", base + 2, pair, base)
                self.f.top = mark
        else:
            self.emit("LOADNONE", base + 2)
        self.line = n.lineno
        self.emit("CALLEX", base)
        return self._call_result(base, dst)

    def e_JoinedStr(self, n: ast.JoinedStr, dst: int | None) -> int:
        mark = self.f.top
        base = self.alloc(len(n.values))
        for i, v in enumerate(n.values):
            if isinstance(v, ast.FormattedValue):
                self.formatted(v, base + i)
            else:
                self.expr_into(v, base + i)
        self.f.top = mark
        r = self.target(dst)
        if len(n.values) == 1 and isinstance(n.values[0], ast.FormattedValue):
            if r != base:
                self.emit("MOVE", r, base)
        else:
            self.emit("BUILDSTR", r, base, len(n.values))
        return r

    def formatted(self, v: ast.FormattedValue, dst: int) -> None:
        mark = self.f.top
        self.expr_into(v.value, dst)
        if v.conversion in (ord("r"), ord("s")):
            self.emit("TOSTR", dst, dst, 1 if v.conversion == ord("r") else 0)
        elif v.conversion != -1:
            raise self.error(v, "the !a conversion")
        if v.format_spec is not None:
            spec = self.expr(v.format_spec)
            self.emit("FORMAT", dst, dst, spec)
        elif v.conversion == -1:
            self.emit("TOSTR", dst, dst, 0)
        self.f.top = mark

    def e_FormattedValue(self, n: ast.FormattedValue, dst: int | None) -> int:
        r = self.target(dst)
        self.formatted(n, r)
        return r


def _folds_to_constant(e: ast.expr) -> bool:
    """Whether CPython's AST optimizer folds ``e`` to a constant (-1, 2 * 3, (1, 'a'))."""
    if isinstance(e, ast.Constant):
        return True
    if isinstance(e, ast.UnaryOp) and not isinstance(e.op, ast.Not):
        return _folds_to_constant(e.operand)
    if isinstance(e, ast.BinOp):
        return _folds_to_constant(e.left) and _folds_to_constant(e.right)
    if isinstance(e, ast.Tuple):
        return all(_folds_to_constant(x) for x in e.elts)
    return False


def _skip_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body
