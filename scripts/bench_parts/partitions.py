"""Partitions: creation rate, memory per idle partition under QEMU tunings, channel round trips."""

from __future__ import annotations

import time
from pathlib import Path

from .common import build_image

TITLE = "partition creation rate, density, channel round trip (direct backend)"


def run(quick: bool) -> dict[str, object]:
    return bench(8, 20, 200) if quick else bench(40, 100, 2000)


def _pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _wait_ready(backend: object, name: str, timeout: float = 60) -> None:
    from runtime import channel

    b = backend  # DirectBackend
    deadline = time.monotonic() + timeout
    while channel.recv(b.channel_log(name), b.channel_cursor(name)) != "READY":  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise RuntimeError(f"partition {name} never said READY")
        time.sleep(0.005)


def bench(n_create: int, n_density: int, n_requests: int) -> dict[str, object]:
    """Creation rate, memory per idle partition under QEMU tunings, channel round trips."""
    import os
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    from runtime import channel
    from runtime.backend import PartitionSpec
    from runtime.partition import DirectBackend

    kv = build_image("images/kvstore", "kvstore", "--memory", "4")
    cores = os.cpu_count() or 1
    res: dict[str, object] = {"cores": cores}

    def run_set(backend: DirectBackend, names: list[str], workers: int) -> float:
        def one(name: str) -> None:
            backend.start(PartitionSpec(name=name, image=kv, memory_mib=4))
            _wait_ready(backend, name)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, names))
        return time.perf_counter() - t0

    def cleanup(backend: DirectBackend) -> None:
        for info in backend.list():
            if info.state in ("running", "paused"):
                backend.kill(info.name)
            backend.remove(info.name)

    # creation rate: started and first output (READY on the channel) seen
    with tempfile.TemporaryDirectory(prefix="drift-bench-") as d:
        b = DirectBackend(Path(d))
        try:
            wall = run_set(b, [f"c{i}" for i in range(n_create)], cores)
            res["create_per_s_per_core"] = n_create / wall / cores
            res["create_wall_s"] = wall
        finally:
            cleanup(b)

    # density: idle partitions (waiting in drift.recv(), CPUs halted), PSS of QEMU + its wrapper
    total_kib = int(Path("/proc/meminfo").read_text().split()[1])
    density = []
    for label, kw in (("QEMU defaults (anonymous RAM with THP, 1 GiB TB cache)", {"ram": "qemu"}),
                      ("memfd RAM", {"ram": "memfd"}),
                      ("anonymous RAM, THP off (Drift's default)", {"ram": "anon"}),
                      ("anonymous RAM, THP off + tb-size=4", {"ram": "anon", "tb_size_mib": 4})):
        with tempfile.TemporaryDirectory(prefix="drift-bench-") as d:
            b = DirectBackend(Path(d), **kw)  # type: ignore[arg-type]
            try:
                run_set(b, [f"d{i}" for i in range(n_density)], cores)
                time.sleep(1)
                pss = 0
                for info in b.list():
                    assert info.pid is not None
                    pss += _pss_kib(info.pid)
                    wrapper = Path(d) / "partitions" / info.name / "wrapper.pid"
                    if wrapper.exists():
                        pss += _pss_kib(int(wrapper.read_text()))
                per = pss / n_density
                density.append({"config": label, "pss_kib": per, "fits": int(total_kib / per)})
            finally:
                cleanup(b)
    res["density"] = density
    res["density_n"] = n_density

    # channel round trips to the key-value appliance
    with tempfile.TemporaryDirectory(prefix="drift-bench-") as d:
        b = DirectBackend(Path(d))
        try:
            run_set(b, ["kv"], 1)
            lat = []
            with channel.Connection(b.channel_socket("kv")) as c:
                t_all = time.perf_counter()
                for i in range(n_requests):
                    t = time.perf_counter()
                    c.request(f"PUT k{i % 100} v{i}")
                    lat.append(time.perf_counter() - t)
                wall = time.perf_counter() - t_all
            lat.sort()
            res["rtt_p50_us"] = lat[len(lat) // 2] * 1e6
            res["rtt_p99_us"] = lat[int(len(lat) * 0.99)] * 1e6
            res["requests_per_s"] = n_requests / wall
            res["requests"] = n_requests
        finally:
            cleanup(b)
    return res


def report(p: dict[str, object]) -> str:
    lines = [
        "",
        "Partitions (direct backend, TCG, `images/kvstore` with 4 MiB, idle = waiting in `drift.recv()`):",
        "",
        "| figure | value | goal |",
        "|---|---|---|",
        f"| creation rate, started and first output seen ({p['cores']} workers) "
        f"| {p['create_per_s_per_core']:.1f} /s per core | >= 5 |",
        f"| channel round trip to the kvstore, p50 / p99 ({p['requests']} requests) "
        f"| {p['rtt_p50_us']:.0f} us / {p['rtt_p99_us']:.0f} us | |",
        f"| requests per second, one client | {p['requests_per_s']:.0f} | |",
        "",
        f"Density: memory per idle partition (PSS of QEMU and its wrapper, {p['density_n']} running at once), "
        "and how many fit in this machine's RAM:",
        "",
        "| QEMU configuration | per partition | partitions in RAM | goal |",
        "|---|---|---|---|",
    ]
    for row in p["density"]:  # type: ignore[attr-defined]
        lines.append(f"| {row['config']} | {row['pss_kib'] / 1024:.1f} MiB | {row['fits']} | >= 1000 |")
    return "\n".join(lines) + "\n"
