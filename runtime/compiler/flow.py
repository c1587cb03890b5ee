"""Definite assignment: which reads of a function's plain locals may find them unassigned.

CPython raises ``UnboundLocalError`` when a local is read before it is bound.
Drift checks only where it must: this pass walks a function body once,
carrying the set of locals assigned on *every* path to the current point, and
returns the ``ast.Name`` reads (by ``id``) of locals outside that set.  The
code generator emits ``CHKLOCAL`` before exactly those reads (and ``UNBIND``
at entry for their locals), so code whose locals are always assigned before
use -- loops, recursion, the hot paths -- pays nothing.

The analysis is conservative (it may ask for a check that cannot fail, never
the reverse).  Once assigned, a local stays assigned except after ``del name``
and the name of ``except E as name``, unbound when its handler ends (as
CPython).  So the state at a loop head is the state on entry minus the
handler names bound and the names deleted in the loop, an exception handler or ``finally`` body
starts from the state at the start of its ``try`` minus the handler names
inside it, and the code after a ``with`` from the state at its body's start
(``__exit__`` may suppress an exception raised anywhere in the body).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

#: The state: the locals definitely assigned, or None where the code is unreachable.
State = frozenset[str] | None


def _meet(*states: State) -> State:
    live = [s for s in states if s is not None]
    if not live:
        return None
    out = live[0]
    for s in live[1:]:
        out = out & s
    return out


def _handler_names(body: Sequence[ast.AST]) -> frozenset[str]:
    """Names unbound somewhere in this code (not in nested scopes): by the end of an
    ``except ... as name`` handler, or by ``del name``."""
    out: set[str] = set()
    todo: list[ast.AST] = list(body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        if isinstance(n, ast.Delete):
            out.update(x.id for x in _deleted(n))
        todo.extend(ast.iter_child_nodes(n))
    return frozenset(out)


def _deleted(st: ast.Delete) -> list[ast.Name]:
    """The names a ``del`` statement unbinds (also inside tuple and list targets)."""
    out: list[ast.Name] = []
    todo: list[ast.expr] = list(st.targets)
    while todo:
        t = todo.pop(0)
        if isinstance(t, ast.Name):
            out.append(t)
        elif isinstance(t, (ast.Tuple, ast.List)):
            todo[:0] = t.elts
    return out


class _Flow:
    def __init__(self, candidates: set[str]) -> None:
        self.cand = candidates
        self.unsafe: set[int] = set()
        self.unsafe_names: set[str] = set()
        self.loops: list[list[State]] = []  # per enclosing loop: the states at its breaks
        self.handlers: list[list[str]] = [[]]  # per loop (and the function): 'except as' names being handled

    # ---- expressions (they bind nothing: no ':=' in the subset) ----------------------
    def read(self, name: ast.Name, s: State) -> None:
        if s is not None and name.id in self.cand and name.id not in s:
            self.unsafe.add(id(name))
            self.unsafe_names.add(name.id)

    def expr(self, node: ast.AST | None, s: State) -> None:
        if node is None or s is None:
            return
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.read(node, s)
            return
        if isinstance(node, ast.Lambda):              # its body is another scope; defaults are read here
            for d in [*node.args.defaults, *node.args.kw_defaults]:
                self.expr(d, s)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            self.expr(node.generators[0].iter, s)     # the rest runs in the comprehension's scope
            return
        for child in ast.iter_child_nodes(node):
            self.expr(child, s)

    def target(self, t: ast.expr, s: State) -> State:
        """Bind an assignment target (reading the parts of items and attributes)."""
        if s is None:
            return None
        if isinstance(t, ast.Name):
            return s | {t.id}
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                s = self.target(e, s)
            return s
        if isinstance(t, ast.Starred):
            return self.target(t.value, s)
        self.expr(t, s)                               # x[i], x.a: reads x and i
        return s

    # ---- statements ----------------------------------------------------------------------
    def block(self, body: list[ast.stmt], s: State) -> State:
        for st in body:
            s = self.stmt(st, s)
        return s

    def stmt(self, st: ast.stmt, s: State) -> State:  # noqa: C901 -- one case per statement kind
        if s is None:
            return None
        if isinstance(st, ast.Assign):
            self.expr(st.value, s)
            for t in st.targets:
                s = self.target(t, s)
            return s
        if isinstance(st, ast.AugAssign):
            if isinstance(st.target, ast.Name):
                self.read(st.target, s)
            else:
                self.expr(st.target, s)
            self.expr(st.value, s)
            return self.target(st.target, s)
        if isinstance(st, ast.AnnAssign):
            if st.value is None:
                if not isinstance(st.target, ast.Name):
                    self.expr(st.target, s)
                return s
            self.expr(st.value, s)
            return self.target(st.target, s)
        if isinstance(st, (ast.Return, ast.Raise)):
            for child in ast.iter_child_nodes(st):
                self.expr(child, s)
            return None
        if isinstance(st, ast.Break):
            if self.loops:                            # leaving handlers inside the loop unbinds their names
                self.loops[-1].append(s - frozenset(self.handlers[-1]))
            return None
        if isinstance(st, ast.Continue):
            return None
        if isinstance(st, ast.If):
            self.expr(st.test, s)
            return _meet(self.block(st.body, s), self.block(st.orelse, s))
        if isinstance(st, ast.While):
            s = s - _handler_names(st.body)           # the loop head, also after the first iteration
            self.expr(st.test, s)
            self.loops.append([])
            self.handlers.append([])
            self.block(st.body, s)
            self.handlers.pop()
            breaks = self.loops.pop()
            forever = isinstance(st.test, ast.Constant) and bool(st.test.value)
            return _meet(None if forever else self.block(st.orelse, s), *breaks)
        if isinstance(st, ast.For):
            self.expr(st.iter, s)
            s = s - _handler_names(st.body)
            self.loops.append([])
            self.handlers.append([])
            self.block(st.body, self.target(st.target, s))
            self.handlers.pop()
            breaks = self.loops.pop()
            return _meet(self.block(st.orelse, s), *breaks)
        if isinstance(st, ast.Try):
            end = self.block(st.orelse, self.block(st.body, s))
            ends = [end]
            hstart = s - _handler_names(st.body)      # an exception may come from anywhere in the body
            for h in st.handlers:
                self.expr(h.type, hstart)
                if h.name:
                    self.handlers[-1].append(h.name)
                hs = self.block(h.body, hstart | {h.name} if h.name else hstart)
                if h.name:
                    self.handlers[-1].pop()
                ends.append(hs - {h.name} if hs is not None and h.name else hs)
            normal = _meet(*ends)
            if not st.finalbody:
                return normal
            fin = self.block(st.finalbody, s - _handler_names([*st.body, *st.orelse, *st.handlers]))
            if fin is None or normal is None:
                return None
            return (normal - _handler_names(st.finalbody)) | fin   # its handlers may unbind names
        if isinstance(st, ast.With):
            for item in st.items:
                self.expr(item.context_expr, s)
                if item.optional_vars is not None:
                    s = self.target(item.optional_vars, s)
            self.block(st.body, s)
            return None if s is None else s - _handler_names(st.body)
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = st.args
            for d in [*st.decorator_list, *a.defaults, *a.kw_defaults]:
                self.expr(d, s)
            return s | {st.name}
        if isinstance(st, ast.Delete):               # del name: must be bound (a read), then unbound
            for t in st.targets:
                self.expr(t, s)
            for name in _deleted(st):
                if s is not None:
                    self.read(name, s)
                    s = s - {name.id}
            return s
        if isinstance(st, ast.ClassDef):              # its body runs here: every read in it counts (conservative:
            for child in ast.iter_child_nodes(st):    # its own assignments bind class attributes, not locals)
                self.expr(child, s)
            return s | {st.name}
        if isinstance(st, (ast.Import, ast.ImportFrom)):
            return s | {a.asname or a.name.split(".")[0] for a in st.names}
        for child in ast.iter_child_nodes(st):        # Expr, Assert, Delete, Global, ...: reads only
            self.expr(child, s)
        return s


def unsafe_reads(node: ast.AST, params: list[str], candidates: set[str]) -> tuple[set[int], set[str]]:
    """For a function (or comprehension) node: the ids of the ``ast.Name`` reads of
    ``candidates`` (its plain locals) that may run before the local is assigned,
    and the names those reads are of."""
    start = frozenset(params)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        fl = _Flow(candidates)
        fl.block(node.body, start)
        return fl.unsafe, fl.unsafe_names
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        fl = _Flow(candidates)
        s: State = start
        for i, g in enumerate(node.generators):
            if i:
                fl.expr(g.iter, s)
            s = fl.target(g.target, s)
            for c in g.ifs:
                fl.expr(c, s)
        if isinstance(node, ast.DictComp):
            fl.expr(node.key, s)
            fl.expr(node.value, s)
        else:
            fl.expr(node.elt, s)
        return fl.unsafe, fl.unsafe_names
    return set(), set()                               # a lambda: only parameters
