"""Drift's benchmarks, each measured side by side with its peer in the same run.

The parts live in scripts/bench_parts/ (one module each; see its __init__ for
the interface); this driver runs them and reports.  Run through
``scripts/bench``:

    scripts/bench                       # every part
    scripts/bench --only speed --quick  # one part, fewer runs
    scripts/bench --write-doc           # also rewrite the parts' sections of docs/benchmarks.md
    scripts/bench --json                # the raw figures
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import pkgutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_parts  # noqa: E402

#: Parts in report order; any other module in bench_parts/ follows, alphabetically.
ORDER = ["boot", "speed", "guest_speed", "partitions"]
DOC = ROOT / "docs" / "benchmarks.md"


def parts() -> dict[str, ModuleType]:
    names = [m.name for m in pkgutil.iter_modules(bench_parts.__path__) if m.name != "common"]
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return {n: importlib.import_module(f"bench_parts.{n}") for n in names}


def write_doc(sections: dict[str, str], header: str) -> None:
    """Replace (or append) each part's section between its markers in docs/benchmarks.md."""
    text = DOC.read_text()
    end_all = "<!-- figures:end -->"
    for name, body in sections.items():
        start, end = f"<!-- figures:{name}:start -->", f"<!-- figures:{name}:end -->"
        block = f"{start}\n{header}\n\n{body}{end}"
        if start in text:
            text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
        else:
            text = text.replace(end_all, f"{block}\n\n{end_all}")
    DOC.write_text(text)


def main() -> int:
    all_parts = parts()
    ap = argparse.ArgumentParser(description="Drift's benchmarks, side by side with their peers.",
                                 epilog="parts: " + "; ".join(f"{n}: {m.TITLE}" for n, m in all_parts.items()))
    ap.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    ap.add_argument("--write-doc", action="store_true", help="rewrite the parts' sections of docs/benchmarks.md")
    ap.add_argument("--only", choices=list(all_parts), action="append",
                    help="run only these parts (repeatable; default: all)")
    ns = ap.parse_args()
    chosen = [n for n in all_parts if n in (ns.only or all_parts)]
    machine = f"{platform.machine()}, {subprocess.getoutput('nproc')} cores"
    cmd = "scripts/bench" + (" --quick" if ns.quick else "") + "".join(f" --only {n}" for n in ns.only or [])
    header = f"Measured {time.strftime('%Y-%m-%d')} on {machine} with `{cmd}`."
    results: dict[str, object] = {"date": time.strftime("%Y-%m-%d"), "machine": machine}
    sections: dict[str, str] = {}
    for name in chosen:
        mod = all_parts[name]
        print(f"bench: {name}: {mod.TITLE} ...", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        res = mod.run(ns.quick)
        results[name] = res
        sections[name] = mod.report(res)
        print(f"bench: {name} done in {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
        if not ns.json:
            print(sections[name])
    if ns.json:
        print(json.dumps(results, indent=2))
    if ns.write_doc:
        write_doc(sections, header)
    return 0


if __name__ == "__main__":
    sys.exit(main())
