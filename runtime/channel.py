"""The host end of a partition's channel (COM3): one message per line.

Wire format (both directions): UTF-8 text, one message per line ending in
``\\n``; a message's own backslashes, newlines and ESC characters are escaped
as ``\\\\``, ``\\n`` and ``\\e``.  A line that starts with a raw ESC (0x1b) is
therefore never a program's message: it is a *control record* of the guest
runtime, e.g. ``ESC exit 0`` written just before the guest ends.  In the program, ``drift.send(x)`` sends ``str(x)`` and
``drift.recv()`` returns the next message as a str.

QEMU serves the channel as a Unix socket (one client at a time) and logs
everything the guest sends to a file, so messages sent while no client is
connected are not lost: :func:`recv` reads them from the log.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

from .errors import ChannelError

#: First character of a guest runtime's control record (never of a program message).
CONTROL = "\x1b"


def control_record(line: bytes) -> list[str] | None:
    """The words of a control record (e.g. ``["exit", "0"]``), or None for a message line."""
    if not line.startswith(CONTROL.encode()):
        return None
    return line[1:].decode("utf-8", "replace").split()


def exit_status(log: Path) -> int | None:
    """The program's exit status from the guest's ``exit`` control record in a channel log."""
    try:
        data = log.read_bytes()
    except FileNotFoundError:
        return None
    for line in reversed(data.splitlines()):
        words = control_record(line)
        if words and words[0] == "exit" and len(words) > 1 and words[1].isdigit():
            return int(words[1])
    return None


def encode(message: str) -> bytes:
    """One message as a line on the wire."""
    return (message.replace("\\", "\\\\").replace("\n", "\\n").replace(CONTROL, "\\e") + "\n").encode("utf-8")


def decode(line: bytes) -> str:
    """A wire line (without its newline) back into the message."""
    out: list[str] = []
    text = line.decode("utf-8", "replace")
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "e": CONTROL}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


class Connection:
    """A client connection to a partition's channel socket.

    Raises:
        ChannelError: the socket cannot be reached within ``timeout``.
    """

    def __init__(self, path: Path, timeout: float = 10.0, linger: float = 0.3) -> None:
        self.path = path
        self.timeout = timeout
        self.linger = linger
        self._unanswered = False
        self._buf = b""
        deadline = time.monotonic() + timeout
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(str(path))
                break
            except OSError as e:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise ChannelError(f"cannot reach the channel at {path}: {e}") from None
                time.sleep(0.05)
        self.sock.settimeout(timeout)

    def send(self, message: str) -> None:
        """Send one message.  Raises ChannelError if the partition went away."""
        try:
            self.sock.sendall(encode(message))
        except OSError as e:
            raise ChannelError(f"sending on {self.path} failed: {e}") from None
        self._unanswered = True

    def receive(self, timeout: float | None = None) -> str:
        """The next message the program sends.  Raises ChannelError on timeout or EOF."""
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        while True:
            while b"\n" not in self._buf:
                try:
                    chunk = self.sock.recv(65536)
                except OSError as e:
                    raise ChannelError(f"no message on {self.path}: {e}") from None
                if not chunk:
                    raise ChannelError(f"the channel {self.path} closed")
                self._buf += chunk
            line, self._buf = self._buf.split(b"\n", 1)
            words = control_record(line)
            if words is None:
                self._unanswered = False
                return decode(line)
            if words[:1] == ["exit"]:
                raise ChannelError(f"the program ended (status {' '.join(words[1:2])}) without answering")

    def request(self, message: str, timeout: float | None = None) -> str:
        """Send a message and return the program's answer (the next message it sends)."""
        self.send(message)
        return self.receive(timeout)

    def close(self) -> None:
        """Close the connection.  QEMU drops what it has not yet handed to the guest's
        UART when the client hangs up, so after a send with no answer since, wait
        ``linger`` seconds first (request/answer exchanges need no wait)."""
        if self._unanswered and self.linger > 0:
            time.sleep(self.linger)
        self.sock.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def recv(log: Path, cursor: Path) -> str | None:
    """The oldest message in the channel log not yet returned (None if none).

    ``cursor`` is a file holding how many bytes of the log were consumed.
    """
    try:
        data = log.read_bytes()
    except FileNotFoundError:
        return None
    try:
        pos = int(cursor.read_text())
    except (FileNotFoundError, ValueError):
        pos = 0
    while True:
        end = data.find(b"\n", pos)
        if end < 0:
            return None
        cursor.write_text(str(end + 1))
        if control_record(data[pos:end]) is None:
            return decode(data[pos:end])
        pos = end + 1
