"""Every construct outside the subset is a compile error with file:line:col."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from runtime.compiler import CompileError, compile_source

CASES = [
    ("class A(metaclass=M):\n    pass\n", 1, 9, "unsupported: class keywords (metaclasses)"),
    ("def f():\n    class A:\n        return 1\n", 3, 9, "error: 'return' outside function"),
    ("def f():\n    class A:\n        yield 1\n", 3, 9, "error: 'yield' outside function"),
    ("for i in x:\n    class A:\n        break\n", 3, 9, "error: 'break' outside loop"),
    ("while x:\n    class A:\n        continue\n", 3, 9, "error: 'continue' not properly in loop"),
    ("class A:\n    global x\n", 2, 5, "unsupported: 'global' in a class body"),
    ("def f():\n    x = 1\n    class A:\n        nonlocal x\n", 4, 9, "unsupported: 'nonlocal' in a class body"),
    ("class A:\n    import math\n", 2, 5, "unsupported: 'import' in a class body"),
    ("class A(*bases):\n    pass\n", 1, 9, "unsupported: starred base classes"),
    ("try:\n    pass\nexcept* E:\n    pass\n", 1, 1, "unsupported: except* (exception groups)"),
    ("def f():\n    return super().g()\n", 2, 12, "error: super() outside a method"),
    ("class A:\n    def f(self):\n        return super(A).f()\n", 3, 16, "unsupported: super() with other"),
    ("import drift\ndrift.x = 1\n", 2, 1, "unsupported: assignment to an attribute of a built-in module"),
    ("import os\n", 1, 1, "unsupported: module 'os'"),
    ("from os import path\n", 1, 1, "unsupported: module 'os'"),
    ("import drift\ndrift = 1\n", 2, 1, "unsupported: assignment to 'drift'"),
    ("import drift\nprint(drift)\n", 2, 7, "unsupported: module 'drift' as a value"),
    ("nonlocal x\n", 1, 1, "error: nonlocal declaration not allowed at module level"),
    ("def f():\n    nonlocal x\n", 2, 5, "error: no binding for nonlocal 'x' found"),
    ("def f(x):\n    nonlocal x\n", 2, 5, "error: name 'x' is parameter and nonlocal"),
    ("def f(x):\n    global x\n", 2, 5, "error: name 'x' is parameter and global"),
    ("def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n", 5, 9,
     "error: name 'x' is nonlocal and global"),
    ("yield 1\n", 1, 1, "error: 'yield' outside function"),
    ("x = [(yield) for i in y]\n", 1, 7, "error: 'yield' inside list comprehension"),
    ("async def f():\n    pass\n", 1, 1, "unsupported: async functions"),
    ("g = lambda a, a: 0\n", 1, 15, "error: duplicate argument 'a' in function definition"),
    ("def f(a, a):\n    pass\n", 1, 10, "error: duplicate argument 'a' in function definition"),
    ("a, *b = [1, 2]\n", 1, 1, "unsupported: starred assignment"),
    ("return 1\n", 1, 1, "error: 'return' outside function"),
    ("break\n", 1, 1, "error: 'break' outside loop"),
    ("x = (\n", 1, 5, "error: '(' was never closed"),
    ("import math\ndel math.pi\n", 2, 5, "unsupported: del of a module's attribute"),
    ("class A:\n    x = 1\n    del x\n", 3, 9, "unsupported: del of a name in a class body"),
    ("x = f'{y!a}'\n", 1, 5, "unsupported: the !a conversion"),
]


@pytest.mark.parametrize("src,line,col,msg", CASES, ids=[c[3] for c in CASES])
def test_compile_error(src: str, line: int, col: int, msg: str) -> None:
    with pytest.raises(CompileError) as ei:
        compile_source(src, "app.py")
    e = ei.value
    assert (e.line, e.col) == (line, col), str(e)
    assert str(e).startswith(f"app.py:{line}:{col}: {msg}"), str(e)


def test_cli_compile_error_exit_code(tmp_path: Path) -> None:
    app = tmp_path / "bad.py"
    app.write_text("print(1)\nclass A(metaclass=M):\n    pass\n")
    p = subprocess.run([sys.executable, "-m", "runtime", "compile", str(app)], capture_output=True, text=True)
    assert p.returncode == 65
    assert "bad.py:2:9: unsupported: class keywords (metaclasses)" in p.stderr
    assert not (tmp_path / "bad.dbc").exists()
