"""The key-value appliance over the host channel: in the hosted VM against a
Python model, and in a real guest through QEMU's socket chardev."""

from __future__ import annotations

import random
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

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


def answer(f: BinaryIO) -> str:
    """The next program message on a raw channel stream, past the guest's control records
    (``ESC got`` for each message the program took, ``ESC synced``...)."""
    while channel.control_record(line := f.readline()[:-1]) is not None:
        pass
    return channel.decode(line)


def test_hosted_matches_model(drift_vm: Path, tmp_path: Path) -> None:
    dbc = tmp_path / "kv.dbc"
    dbc.write_bytes(compile_file(str(KV / "kvstore.py")))
    a, b = socket.socketpair()
    p = subprocess.Popen([str(drift_vm), "--channel-fd", str(b.fileno()), str(dbc)], pass_fds=[b.fileno()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    b.close()
    f = a.makefile("rwb")
    assert answer(f) == "READY"
    store: dict[str, str] = {}
    for i, req in enumerate(requests(500), 1):
        f.write(channel.encode(req))
        f.flush()
        assert answer(f) == model(store, req, i), req
    f.write(channel.encode("QUIT"))
    f.flush()
    assert answer(f) == "BYE"
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


class _Side:
    """One QEMU's end of a channel socket at ``path`` (a stand-in for the guest, scripted by a
    test): what it writes goes to the client and, first, to the shared log, as QEMU's does."""

    def __init__(self, path: Path, log: Path) -> None:
        self.log = log
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        self.listener.listen(1)
        self.listener.settimeout(10)
        self.conn: socket.socket | None = None
        self.buf = b""

    def accept(self) -> None:
        self.conn = self.listener.accept()[0]
        self.conn.settimeout(10)

    def line(self) -> bytes:
        assert self.conn is not None
        while b"\n" not in self.buf:
            chunk = self.conn.recv(4096)
            assert chunk, "the client hung up"
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def write(self, data: bytes, client: bool = True) -> None:
        with self.log.open("ab") as f:
            f.write(data)
        if client and self.conn is not None:
            self.conn.sendall(data)

    def quit(self, path: Path) -> None:
        """The QEMU ends (after the switch): its socket goes away."""
        self.listener.close()
        path.unlink()
        if self.conn is not None:
            self.conn.close()


def _moved_request(tmp_path: Path, source: Callable[[_Side], None],
                   destination: Callable[[_Side, str], None]) -> tuple[list[str], channel.Connection]:
    """A client asks ``p`` (answered normally), then ``q``, during which the partition moves:
    ``source`` plays the source's part after reading ``q``, ``destination`` the destination's
    after reading the client's ``ESC resync TAG`` (TAG given); then ``r`` is asked.  The answers."""
    sock, log = tmp_path / "ch.sock", tmp_path / "channel.log"
    log.write_bytes(b"")
    src = _Side(sock, log)
    answers: list[str] = []
    c = channel.Connection(sock, timeout=10)
    src.accept()
    client = threading.Thread(target=lambda: answers.extend(c.request(m) for m in ("p", "q", "r")))
    client.start()
    assert src.line() == b"p"
    src.write(b"ANS p 1\n")
    assert src.line() == b"q"
    source(src)
    src.quit(sock)
    dst = _Side(sock, log)
    dst.accept()
    words = dst.line().split()
    assert words[0] == b"\x1bresync"
    destination(dst, words[1].decode())
    assert dst.line() == b"r"
    dst.write(b"ANS r 3\n\x1bgot\n")
    client.join(10)
    assert not client.is_alive()
    dst.quit(sock)
    return answers, c


def test_settle_request_taken_before_the_move(tmp_path: Path) -> None:
    """The source took ``q`` (its ``got`` for ``p`` was cut in two by the move) and the program
    answers 300 ms after the switch: the client waits for that answer, never sends ``q`` again,
    and takes the ``got`` tail on the new socket for no answer."""
    def source(s: _Side) -> None:
        s.write(b"\x1bg")                                # the got for p, cut by the move

    def destination(d: _Side, tag: str) -> None:
        d.write(b"ot\n")
        time.sleep(0.3)                                  # slow: the former 150 ms wait resent q
        d.write(b"ANS q 2\n\x1bgot\n\x1bsynced " + tag.encode() + b"\n")

    answers, c = _moved_request(tmp_path, source, destination)
    assert answers == ["ANS p 1", "ANS q 2", "ANS r 3"] and (c.reconnects, c.resent) == (1, 0)


def test_settle_request_lost_with_the_source(tmp_path: Path) -> None:
    """``q`` was lost in the source's socket: ``synced`` comes with no ``got`` for it, and the
    client sends it again, once."""
    def source(s: _Side) -> None:
        s.write(b"\x1bgot\n")                            # the got for p; q never reached the program

    def destination(d: _Side, tag: str) -> None:
        d.write(b"\x1bsynced " + tag.encode() + b"\n")
        assert d.line() == b"q"
        d.write(b"ANS q 2\n\x1bgot\n")

    answers, c = _moved_request(tmp_path, source, destination)
    assert answers == ["ANS p 1", "ANS q 2", "ANS r 3"] and (c.reconnects, c.resent) == (1, 1)


def test_settle_answer_written_while_disconnected(tmp_path: Path) -> None:
    """The program answered ``q`` while no client was connected: the answer is taken from the
    log, and the ``synced`` that follows on the socket is skipped."""
    def source(s: _Side) -> None:
        s.write(b"\x1bgot\n")

    def destination(d: _Side, tag: str) -> None:
        d.write(b"\x1bsynced " + tag.encode() + b"\n")

    def source_answering(s: _Side) -> None:
        s.write(b"\x1bgot\nANS q 2\n", client=False)    # the source wrote it after the client's EOF

    answers, c = _moved_request(tmp_path, source_answering, destination)
    assert answers == ["ANS p 1", "ANS q 2", "ANS r 3"] and (c.reconnects, c.resent) == (1, 0)
