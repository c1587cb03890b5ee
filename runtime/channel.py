"""The host end of a partition's channel (COM3): one message per line.

Wire format (both directions): UTF-8 text, one message per line ending in
``\\n``; a message's own backslashes and newlines are escaped as ``\\\\`` and
``\\n``.  In the program, ``drift.send(x)`` sends ``str(x)`` and
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


def encode(message: str) -> bytes:
    """One message as a line on the wire."""
    return (message.replace("\\", "\\\\").replace("\n", "\\n") + "\n").encode("utf-8")


def decode(line: bytes) -> str:
    """A wire line (without its newline) back into the message."""
    out: list[str] = []
    text = line.decode("utf-8", "replace")
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append("\n" if text[i + 1] == "n" else text[i + 1])
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
        while b"\n" not in self._buf:
            try:
                chunk = self.sock.recv(65536)
            except OSError as e:
                raise ChannelError(f"no message on {self.path}: {e}") from None
            if not chunk:
                raise ChannelError(f"the channel {self.path} closed")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        self._unanswered = False
        return decode(line)

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
    end = data.find(b"\n", pos)
    if end < 0:
        return None
    cursor.write_text(str(end + 1))
    return decode(data[pos:end])
