"""The speed suite inside the guest (QEMU TCG here) against the hosted build on the same bytecode."""

from __future__ import annotations

import subprocess
import sys

from runtime import build

from .common import BENCH_DIR, OUT, best_of, build_image, geomean, qemu_cmd
from .speed import PROGRAMS, compile_program

TITLE = "the speed suite booted under QEMU (TCG) against drift-vm"
MEMORY_MIB = 128


def run(quick: bool) -> dict[str, object]:
    runs = 1 if quick else 2
    vm = build.hosted_vm()
    rows = []
    for name in PROGRAMS:
        _, blob, why = compile_program(name)
        if blob is None:
            rows.append({"program": name, "error": why})
            continue
        py = BENCH_DIR / f"{name}.py"
        expect = subprocess.run([sys.executable, str(py)], capture_output=True, check=True).stdout
        dbc = OUT / f"{name}.dbc"
        dbc.write_bytes(blob)
        try:
            hosted = best_of([str(vm), str(dbc)], runs, expect)
            img = build_image(str(py), f"guest-{name}", "--memory", str(MEMORY_MIB))
            # isa-debug-exit: QEMU exits with (status << 1) | 1, so status 0 is 1.
            guest = best_of(qemu_cmd(img, memory=f"{MEMORY_MIB}M"), runs, expect, status=1)
        except (RuntimeError, subprocess.CalledProcessError) as e:
            rows.append({"program": name, "error": str(e)})
            continue
        rows.append({"program": name, "hosted_s": hosted, "guest_s": guest})
    return {"runs": runs, "memory_mib": MEMORY_MIB, "rows": rows}


def report(r: dict[str, object]) -> str:
    lines = [
        f"The same suite inside the guest: `drift build` image, QEMU TCG microvm with {r['memory_mib']} MiB, "
        f"wall time from QEMU start to exit (boot included, ~25 ms), best of {r['runs']}; "
        "ratio = guest time / hosted time.",
        "",
        "| program | drift-vm (hosted) | guest (QEMU TCG) | guest / hosted |",
        "|---|---|---|---|",
    ]
    ratios = []
    for row in r["rows"]:  # type: ignore[attr-defined]
        if "error" in row:
            lines.append(f"| {row['program']} | does not run: {row['error'].splitlines()[0][:80]} | | |")
            continue
        ratio = row["guest_s"] / row["hosted_s"]
        ratios.append(ratio)
        lines.append(f"| {row['program']} | {row['hosted_s']:.3f} s | {row['guest_s']:.3f} s | {ratio:.2f} |")
    if ratios:
        lines.append(f"| **geometric mean** | | | **{geomean(ratios):.2f}** |")
    return "\n".join(lines) + "\n"
