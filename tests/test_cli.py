"""The drift command: compile, run --hosted, dis, build from a folder, exit codes,
and run-time errors reported with their line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def drift(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runtime", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_run_hosted_streams_apart(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text("print('hi')\nprint({'a': [1, 2.5]})\nprint(1 // 0)\n")
    r = drift("run", "--hosted", str(app))
    assert r.returncode == 1
    assert r.stdout == "hi\n{'a': [1, 2.5]}\n"
    assert r.stderr == ('Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n'
                        "ZeroDivisionError: integer division or modulo by zero\n")


def test_compile_then_drift_vm(tmp_path: Path, drift_vm: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text("import_ok = 1\nprint(import_ok + 1)\n")
    r = drift("compile", str(app), "-o", str(tmp_path / "app.dbc"), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["bytes"] == (tmp_path / "app.dbc").stat().st_size
    v = subprocess.run([str(drift_vm), str(tmp_path / "app.dbc")], capture_output=True, text=True)
    assert (v.returncode, v.stdout) == (0, "2\n")


def test_big_ints_are_exact_and_float_overflow_is_an_error(tmp_path: Path) -> None:
    app = tmp_path / "big.py"
    app.write_text("x = 2 ** 62\nprint(x)\ny = x * 4\nprint(y)\nprint(float(y ** 100))\n")
    r = drift("run", "--hosted", str(app))
    assert r.returncode == 1
    assert r.stdout == "4611686018427387904\n18446744073709551616\n"
    assert r.stderr.splitlines()[-1] == "OverflowError: int too large to convert to float"
    assert 'line 5, in <module>' in r.stderr


def test_recursion_limit(tmp_path: Path) -> None:
    app = tmp_path / "deep.py"
    app.write_text("def f(n):\n    return f(n + 1)\nf(0)\n")
    r = drift("run", "--hosted", str(app))
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == "RecursionError: maximum recursion depth exceeded"


def test_memory_error_not_a_crash(tmp_path: Path) -> None:
    app = tmp_path / "hog.py"
    app.write_text("x = []\nwhile True:\n    x.append('y' * 1000)\n")
    r = drift("run", "--hosted", "--memory", "8", str(app))
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == "MemoryError"


def test_dis_lists_functions() -> None:
    r = drift("dis", "images/hello/hello.py")
    assert r.returncode == 0
    assert "function 1 greet: params=1" in r.stdout
    assert "CALL" in r.stdout


def test_build_folder_json(tmp_path: Path, kernel: Path) -> None:
    out = tmp_path / "hello.elf"
    r = drift("build", "images/hello", "-o", str(out), "--json")
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)
    assert (m["arch"], m["memory_mib"], m["source_name"]) == ("x86_64", 4, "hello.py")
    assert (tmp_path / "hello.manifest.json").exists()


def test_missing_image_exit_code(tmp_path: Path) -> None:
    r = drift("run", str(tmp_path / "nope.elf"))
    assert r.returncode == 66
    assert "no such file" in r.stderr
