"""Benchmark parts for scripts/bench.py.

Each module here is one part, measured side by side with its peer in the same
run.  A part module defines:

    TITLE: str                                  -- one line, for --help
    def run(quick: bool) -> dict[str, object]   -- measure; JSON-serialisable
    def report(res: dict[str, object]) -> str   -- Markdown for docs/benchmarks.md

``scripts/bench --only NAME`` runs one part (NAME is the module name);
``--write-doc`` replaces that part's section in docs/benchmarks.md (between
``<!-- figures:NAME:start -->`` and ``<!-- figures:NAME:end -->``, added at
the end of the figures when missing).  Shared helpers live in ``common``.
"""
