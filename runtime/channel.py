"""The host end of a partition's channel (COM3): one message per line.

Wire format (both directions): UTF-8 text, one message per line ending in
``\\n``; a message's own backslashes, newlines and ESC characters are escaped
as ``\\\\``, ``\\n`` and ``\\e``.  A line that starts with a raw ESC (0x1b) is
therefore never a program's message: it is a *control record* of the guest
runtime, e.g. ``ESC exit 0`` written just before the guest ends.  Host to guest,
a line with a raw ESC is a control record too: the guest runtime drops it together
with any partial message received before it (``ESC resync``, sent after a reconnect:
a migration can leave the start of a request in the destination's UART FIFO while
its rest was lost with the source).  In the program, ``drift.send(x)`` sends
``str(x)`` and ``drift.recv()`` returns the next message as a str.

QEMU serves the channel as a Unix socket (one client at a time) and logs
everything the guest sends to a file, so messages sent while no client is
connected are not lost: :func:`recv` reads them from the log.
"""

from __future__ import annotations

import os
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


#: Longest ``sun_path`` Linux accepts (108 bytes with the NUL).
_UNIX_PATH_MAX = 107
#: After a reconnect, how long an answer to the unanswered request may take to arrive before it
#: is sent again (the destination may have the request already, in its migrated UART FIFO).
RESEND_WAIT_S = 0.15


#: Host-to-guest control record: drop any partial message received so far.
RESYNC = b"\x1bresync\n"


class _Closed(Exception):
    """The partition's end of the connection went away (EOF, reset, broken pipe)."""


def _connect(path: Path) -> socket.socket:
    """A socket connected to the Unix socket ``path`` now (the path is looked up afresh: after a
    migration it names the destination's socket), however long ``path`` is.

    Raises:
        OSError: it cannot be reached.
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        if len(os.fsencode(str(path))) <= _UNIX_PATH_MAX:
            sock.connect(str(path))
        else:
            fd = os.open(path.parent, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                sock.connect(f"/proc/self/fd/{fd}/{path.name}")
            finally:
                os.close(fd)
    except BaseException:
        sock.close()
        raise
    return sock


class Connection:
    """A client connection to a partition's channel socket.

    It survives a live migration (``drift migrate``): when the partition's end goes away
    (the source QEMU quits after the switch), the connection reconnects to ``path``, which
    by then is the destination's socket.  A request whose answer had not arrived is
    answered from the channel log if the program answered while no client was connected,
    else from the socket if the answer comes within RESEND_WAIT_S (the destination had the
    request), else sent again, once.  ``log``: the partition's channel log (default:
    ``channel.log`` beside the socket, if there is one); without one, answers written while
    disconnected cannot be recovered and the request is simply sent again.

    Raises:
        ChannelError: the socket cannot be reached within ``timeout``.
    """

    def __init__(self, path: Path, timeout: float = 10.0, linger: float = 0.3, log: Path | None = None,
                 reconnect: bool = True) -> None:
        self.path = path
        self.timeout = timeout
        self.linger = linger
        self.reconnect = reconnect
        sibling = path.with_name("channel.log")
        self.log = log if log is not None else sibling if sibling.exists() else None
        self._unanswered = False
        self._buf = b""
        #: How many times the connection was re-established (migrations seen).
        self.reconnects = 0
        #: How many requests were sent a second time after a reconnect.
        self.resent = 0
        self.sock = self._open(timeout)

    def _open(self, timeout: float) -> socket.socket:
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = _connect(self.path)
                break
            except OSError as e:
                if time.monotonic() > deadline:
                    raise ChannelError(f"cannot reach the channel at {self.path}: {e}") from None
                time.sleep(0.01)
        sock.settimeout(self.timeout)
        return sock

    def _reopen(self) -> None:
        """Reconnect after the partition's end went away.  Raises ChannelError if it cannot."""
        self.sock.close()
        self._buf = b""
        self.sock = self._open(self.timeout)
        self.reconnects += 1

    def _log_size(self) -> int:
        try:
            return self.log.stat().st_size if self.log is not None else 0
        except OSError:
            return 0

    def _logged_answer(self, mark: int) -> str | None:
        """The first program message in the channel log that starts after byte ``mark`` (complete
        lines only).  QEMU logs a byte just after handing it to the client, so ``mark`` may fall
        inside the previous answer: its tail is skipped."""
        if self.log is None:
            return None
        try:
            with self.log.open("rb") as f:
                f.seek(max(0, mark - 1))
                data = f.read()
        except OSError:
            return None
        if mark > 0:
            data = data[1:] if data[:1] == b"\n" else data[data.find(b"\n") + 1:] if b"\n" in data else b""
        for line in data.split(b"\n")[:-1]:
            if control_record(line) is None:
                return decode(line)
        return None

    def _send_raw(self, message: str, prefix: bytes = b"") -> None:
        try:
            self.sock.sendall(prefix + encode(message))
        except (BrokenPipeError, ConnectionResetError) as e:
            raise _Closed(str(e)) from None
        except OSError as e:
            raise ChannelError(f"sending on {self.path} failed: {e}") from None
        self._unanswered = True

    def send(self, message: str) -> None:
        """Send one message (reconnecting once if the partition's end went away).
        Raises ChannelError if the partition went away for good."""
        try:
            self._send_raw(message)
        except _Closed as e:
            if not self.reconnect:
                raise ChannelError(f"sending on {self.path} failed: {e}") from None
            self._reopen()
            try:
                self._send_raw(message)
            except _Closed as e2:
                raise ChannelError(f"sending on {self.path} failed: {e2}") from None

    def _receive(self, timeout: float | None) -> str:
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        while True:
            while b"\n" not in self._buf:
                try:
                    chunk = self.sock.recv(65536)
                except ConnectionResetError as e:
                    raise _Closed(str(e)) from None
                except OSError as e:
                    raise ChannelError(f"no message on {self.path}: {e}") from None
                if not chunk:
                    raise _Closed("closed")
                self._buf += chunk
            line, self._buf = self._buf.split(b"\n", 1)
            words = control_record(line)
            if words is None:
                self._unanswered = False
                return decode(line)
            if words[:1] == ["exit"]:
                raise ChannelError(f"the program ended (status {' '.join(words[1:2])}) without answering")

    def receive(self, timeout: float | None = None) -> str:
        """The next message the program sends.  Raises ChannelError on timeout or EOF."""
        try:
            return self._receive(timeout)
        except _Closed:
            raise ChannelError(f"the channel {self.path} closed") from None

    def request(self, message: str, timeout: float | None = None) -> str:
        """Send a message and return the program's answer (the next message it sends).  Across
        a migration, see the class: every request is answered once, none is lost.

        Raises:
            ChannelError: no answer within ``timeout``, or the partition ended.
        """
        mark = self._log_size()
        try:
            self._send_raw(message)
            return self._receive(timeout)
        except _Closed as e:
            if not self.reconnect:
                raise ChannelError(f"the channel {self.path} closed: {e}") from None
        self._reopen()
        logged = self._logged_answer(mark)
        if logged is not None:                  # answered while no client was connected
            self._unanswered = False
            return logged
        try:
            return self._receive(RESEND_WAIT_S)  # the destination had it and answers now
        except ChannelError:
            pass                                # nothing came: it was lost with the source
        except _Closed:
            raise ChannelError(f"the channel {self.path} closed again after a reconnect") from None
        self.resent += 1
        try:
            self._send_raw(message, RESYNC)     # RESYNC: drop any partial copy the destination holds
            return self._receive(timeout)
        except _Closed:
            raise ChannelError(f"the channel {self.path} closed again after a reconnect") from None

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
