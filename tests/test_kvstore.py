"""The key-value appliance over the host channel: in the hosted VM against a
Python model, and in a real guest through QEMU's socket chardev."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from pathlib import Path

from conftest import need_tool

from runtime import channel
from runtime.compiler import compile_file

KV = Path(__file__).resolve().parent.parent / "images" / "kvstore"


def model(store: dict[str, str], req: str, served: int) -> str:
    cmd, _, rest = req.partition(" ")
    if cmd == "GET":
        return "OK " + store[rest] if rest in store else "NOTFOUND"
    if cmd == "PUT":
        key, _, value = rest.partition(" ")
        store[key] = value
        return "OK"
    if cmd == "DEL":
        return "OK" if store.pop(rest, None) is not None else "NOTFOUND"
    if cmd == "COUNT":
        return f"OK {len(store)}"
    return f"OK {served}" if cmd == "STATS" else "PONG"


def requests(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    keys = [f"k{i}" for i in range(20)] + ["ünï"]
    out = []
    for _ in range(n):
        op = rng.choice(["GET", "PUT", "PUT", "DEL", "COUNT", "STATS", "PING"])
        k = rng.choice(keys)
        out.append(f"{op} {k} value {rng.randrange(1000)} \\ \u00e9" if op == "PUT" else
                   f"{op} {k}" if op in ("GET", "DEL") else op)
    return out


def test_hosted_matches_model(drift_vm: Path, tmp_path: Path) -> None:
    dbc = tmp_path / "kv.dbc"
    dbc.write_bytes(compile_file(str(KV / "kvstore.py")))
    a, b = socket.socketpair()
    p = subprocess.Popen([str(drift_vm), "--channel-fd", str(b.fileno()), str(dbc)], pass_fds=[b.fileno()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    b.close()
    f = a.makefile("rwb")
    assert channel.decode(f.readline()[:-1]) == "READY"
    store: dict[str, str] = {}
    for i, req in enumerate(requests(500), 1):
        f.write(channel.encode(req))
        f.flush()
        assert channel.decode(f.readline()[:-1]) == model(store, req, i), req
    f.write(channel.encode("QUIT"))
    f.flush()
    assert channel.decode(f.readline()[:-1]) == "BYE"
    assert p.wait(10) == 0


def test_guest_serves_requests(kernel: Path, tmp_path: Path) -> None:
    img = tmp_path / "kv.elf"
    subprocess.run([str(Path(__file__).resolve().parent.parent / ".venv/bin/drift"), "build", str(KV), "-o", str(img)],
                   check=True, capture_output=True)
    sock, log = tmp_path / "ch.sock", tmp_path / "ch.log"
    q = subprocess.Popen([need_tool("qemu-system-x86_64"), "-M", "microvm,x-option-roms=off,rtc=off", "-nodefaults",
                          "-no-user-config", "-display", "none", "-m", "16M", "-accel", "tcg", "-cpu", "max",
                          "-chardev", f"socket,id=ch,path={sock},server=on,wait=off,logfile={log}",
                          "-device", "isa-serial,chardev=ch,iobase=0x3e8,irq=4",
                          "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", str(img)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while channel.recv(log, tmp_path / "cursor") != "READY":       # wait for it in the log, then connect:
            assert time.monotonic() < deadline, "no READY from the guest"  # connected earlier, the socket would
            time.sleep(0.02)                                              # deliver it as the first answer
        with channel.Connection(sock, timeout=20) as c:
            store: dict[str, str] = {}
            for i, req in enumerate(requests(100, seed=3), 1):
                assert c.request(req) == model(store, req, i), req
            assert c.request("QUIT") == "BYE"
        assert q.wait(10) == 1          # guest status 0
        assert channel.exit_status(log) == 0   # the guest's own exit record, for hosts without QEMU's code
    finally:
        q.kill()
        q.wait()
