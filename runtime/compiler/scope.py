"""Name resolution (a small symtable): for every function, lambda and
comprehension scope, which names are its locals, which of them are cells
(captured by an inner scope), which are free (captured from an enclosing
function), and which are globals.

Python's rules: a name bound anywhere in a function body (assignment, for
target, def, class, import, except ... as, with ... as, comprehension target
in the comprehension's own scope) is local to it unless declared ``global``
or ``nonlocal``; any other name resolves to the nearest enclosing function
scope that binds it (class bodies are skipped), else to the globals.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..errors import CompileError

#: Scope kinds.
MODULE, FUNCTION, CLASS, COMPREHENSION = "module", "function", "class", "comprehension"
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(eq=False)
class Scope:
    """One scope of the program and, after :func:`analyze`, its resolved names."""

    node: ast.AST
    kind: str
    parent: Scope | None
    params: list[str] = field(default_factory=list)
    assigned: dict[str, None] = field(default_factory=dict)  # bound here, in first-seen order
    used: dict[str, None] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    declared_at: dict[str, ast.stmt] = field(default_factory=dict)  # nonlocal statements, for errors
    children: list[Scope] = field(default_factory=list)
    free: dict[str, None] = field(default_factory=dict)  # captured from an enclosing function
    cells: set[str] = field(default_factory=set)  # own locals captured by inner scopes
    generator: bool = False  # contains yield (or is a generator expression)

    def binds(self, name: str) -> bool:
        """Is ``name`` a local of this (function-like) scope?"""
        return name in self.params or (name in self.assigned and name not in self.globals
                                       and name not in self.nonlocals)

    def locals(self) -> list[str]:
        """Parameters, then free variables, then the other locals: the register order."""
        out = list(self.params)
        out += [n for n in self.free if n not in out]
        out += [n for n in self.assigned if self.binds(n) and n not in out]
        return out


class _Builder(ast.NodeVisitor):
    def __init__(self, filename: str, root: ast.Module) -> None:
        self.filename = filename
        self.scopes: dict[ast.AST, Scope] = {}
        self.cur = self._new(root, MODULE)

    def _new(self, node: ast.AST, kind: str) -> Scope:
        s = Scope(node, kind, getattr(self, "cur", None))
        if s.parent is not None:
            s.parent.children.append(s)
        self.scopes[node] = s
        return s

    def error(self, node: ast.AST, msg: str) -> CompileError:
        return CompileError(self.filename, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1,
                            f"error: {msg}")

    def bind(self, name: str) -> None:
        self.cur.assigned.setdefault(name, None)

    def visit_Name(self, n: ast.Name) -> None:
        if isinstance(n.ctx, ast.Load):
            self.cur.used.setdefault(n.id, None)
        else:
            self.bind(n.id)

    def _args(self, a: ast.arguments) -> list[str]:
        params = [x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
        params += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
        return params

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        a = node.args
        for d in [*a.defaults, *[k for k in a.kw_defaults if k is not None]]:
            self.visit(d)
        outer = self.cur
        self.cur = s = self._new(node, FUNCTION)
        s.params = self._args(a)
        if isinstance(node, ast.Lambda):
            self.visit(node.body)
        else:
            for st in node.body:
                self.visit(st)
        self.cur = outer

    def visit_FunctionDef(self, n: ast.FunctionDef) -> None:
        for d in n.decorator_list:
            self.visit(d)
        self.bind(n.name)
        self._function(n)

    def visit_AsyncFunctionDef(self, n: ast.AsyncFunctionDef) -> None:
        self.bind(n.name)

    def visit_Lambda(self, n: ast.Lambda) -> None:
        self._function(n)

    def visit_ClassDef(self, n: ast.ClassDef) -> None:
        for x in [*n.decorator_list, *n.bases, *[k.value for k in n.keywords]]:
            self.visit(x)
        self.bind(n.name)
        outer = self.cur
        self.cur = self._new(n, CLASS)
        for st in n.body:
            self.visit(st)
        self.cur = outer

    def _comprehension(self, n: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        self.visit(n.generators[0].iter)             # evaluated in the enclosing scope
        outer = self.cur
        self.cur = s = self._new(n, COMPREHENSION)
        s.params = [".0"]                             # the iterator, CPython's name for it
        s.generator = isinstance(n, ast.GeneratorExp)
        for i, g in enumerate(n.generators):
            if i:
                self.visit(g.iter)
            self.visit(g.target)
            for c in g.ifs:
                self.visit(c)
        if isinstance(n, ast.DictComp):
            self.visit(n.key)
            self.visit(n.value)
        else:
            self.visit(n.elt)
        self.cur = outer

    def visit_ListComp(self, n: ast.ListComp) -> None:
        self._comprehension(n)

    def visit_SetComp(self, n: ast.SetComp) -> None:
        self._comprehension(n)

    def visit_DictComp(self, n: ast.DictComp) -> None:
        self._comprehension(n)

    def visit_GeneratorExp(self, n: ast.GeneratorExp) -> None:
        self._comprehension(n)

    def visit_Global(self, n: ast.Global) -> None:
        for name in n.names:
            if name in self.cur.params:
                raise self.error(n, f"name '{name}' is parameter and global")
            if name in self.cur.nonlocals:
                raise self.error(n, f"name '{name}' is nonlocal and global")
            self.cur.globals.add(name)

    def visit_Nonlocal(self, n: ast.Nonlocal) -> None:
        if self.cur.kind == MODULE:
            raise self.error(n, "nonlocal declaration not allowed at module level")
        for name in n.names:
            if name in self.cur.params:
                raise self.error(n, f"name '{name}' is parameter and nonlocal")
            if name in self.cur.globals:
                raise self.error(n, f"name '{name}' is nonlocal and global")
            self.cur.nonlocals.add(name)
            self.cur.declared_at.setdefault(name, n)

    def visit_Import(self, n: ast.Import) -> None:
        for a in n.names:
            self.bind(a.asname or a.name.split(".")[0])

    def visit_ImportFrom(self, n: ast.ImportFrom) -> None:
        for a in n.names:
            if a.name != "*":
                self.bind(a.asname or a.name)

    def visit_ExceptHandler(self, n: ast.ExceptHandler) -> None:
        if n.name:
            self.bind(n.name)
        self.generic_visit(n)

    def _yield(self, n: ast.Yield | ast.YieldFrom) -> None:
        if self.cur.kind == COMPREHENSION:
            kind = {"ListComp": "list comprehension", "SetComp": "set comprehension", "DictComp": "dict comprehension",
                    "GeneratorExp": "generator expression"}[type(self.cur.node).__name__]
            raise self.error(n, f"'yield' inside {kind}")
        self.cur.generator = True
        self.generic_visit(n)

    def visit_Yield(self, n: ast.Yield) -> None:
        self._yield(n)

    def visit_YieldFrom(self, n: ast.YieldFrom) -> None:
        self._yield(n)

    def visit_arg(self, n: ast.arg) -> None:
        pass                                          # annotations are not evaluated

    def visit_AnnAssign(self, n: ast.AnnAssign) -> None:
        self.visit(n.target)
        if n.value is not None:
            self.visit(n.value)


def _nearest_function(s: Scope) -> Scope | None:
    """The function-like scope (or module) whose code runs the body of class scope ``s``."""
    p = s.parent
    while p is not None and p.kind == CLASS:
        p = p.parent
    return p


def _binder(start: Scope | None, name: str) -> Scope | None:
    """The scope ``name`` resolves to from ``start`` outwards: the nearest function (class bodies
    are skipped, as CPython does) that binds it or declares it global; else the module, or None."""
    owner = start
    while owner is not None and owner.kind != MODULE:
        if owner.kind != CLASS and (owner.binds(name) or name in owner.globals):
            break
        owner = owner.parent
    return owner


def _capture(start: Scope, owner: Scope, name: str) -> None:
    """``name`` is a cell of ``owner`` and a free variable of every function scope from ``start``
    up to (not including) ``owner``; class bodies in between pass it on without holding it."""
    owner.cells.add(name)
    p: Scope | None = start
    while p is not None and p is not owner:
        if p.kind != CLASS:
            p.free.setdefault(name, None)
        p = p.parent


def _resolve(s: Scope, filename: str) -> None:
    if s.kind == CLASS:
        # A class body runs inline in the nearest enclosing function: a name it reads (and
        # does not bind) is a cell of that function, or a free variable of it when it comes
        # from a function further out.
        near = _nearest_function(s)
        if near is not None and near.kind != MODULE:
            for name in s.used:
                if name in s.assigned or name in near.globals:
                    continue
                if near.binds(name):                  # a cell, as CPython (NameError when read unbound)
                    near.cells.add(name)
                    continue
                owner = _binder(near.parent, name)
                if owner is None or owner.kind == MODULE or name in owner.globals:
                    continue
                _capture(near, owner, name)
    if s.kind == FUNCTION and s.parent is not None and s.parent.kind == CLASS \
            and s.parent.parent is not None and s.parent.parent.kind != MODULE \
            and ("super" in s.used or "__class__" in s.used):
        s.free.setdefault("__class__", None)       # a nested class's method: zero-argument super() uses a cell
    if s.kind in (FUNCTION, COMPREHENSION):
        names = [*s.used, *[n for n in s.assigned if n in s.nonlocals], *sorted(s.nonlocals)]
        for name in dict.fromkeys(names):
            if s.binds(name) or name in s.globals:
                continue
            owner = _binder(s.parent, name)
            if owner is None or owner.kind == MODULE or name in owner.globals:
                if name in s.nonlocals:
                    at = s.declared_at[name]
                    raise CompileError(filename, at.lineno, at.col_offset + 1,
                                       f"error: no binding for nonlocal '{name}' found")
                continue                              # a global
            _capture(s, owner, name)
    for c in s.children:
        _resolve(c, filename)


def where(node: ast.AST) -> tuple[str, int, int, int, int]:
    """A scope node's identity that survives copy.copy(): its type and source span."""
    return (type(node).__name__, getattr(node, "lineno", 0), getattr(node, "col_offset", 0),
            getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def analyze(tree: ast.Module, filename: str) -> dict[tuple[str, int, int, int, int], Scope]:
    """Resolve the names of every scope of a module; the map is keyed by
    :func:`where` of the scope's node (Module, FunctionDef, Lambda, ClassDef
    or comprehension).

    Raises:
        CompileError: an invalid ``global``/``nonlocal`` declaration.
    """
    b = _Builder(filename, tree)
    for st in tree.body:
        b.visit(st)
    root = b.scopes[tree]
    # A child's free name resolves in the parent only after the parent knows
    # its own binders: resolve top-down (binding sets are complete already).
    _resolve(root, filename)
    return {where(n): sc for n, sc in b.scopes.items()}
