"""The host end of a partition's channel (COM3): one message per line.

Wire format (both directions): UTF-8 text, one message per line ending in
``\\n``; a message's own backslashes, newlines and ESC characters are escaped
as ``\\\\``, ``\\n`` and ``\\e``.  A line that starts with a raw ESC (0x1b) is
therefore never a program's message: it is a *control record* of the guest
runtime, e.g. ``ESC exit 0`` written just before the guest ends.  Host to guest,
a line with a raw ESC is a control record too: the guest runtime drops it together
with any partial message received before it (``ESC resync TAG``, sent after a reconnect:
a migration can leave the start of a request in the destination's UART FIFO while
its rest was lost with the source) and answers it with ``ESC synced TAG`` when the
program's reader reaches it; each message ``drift.recv()`` takes is acknowledged with
``ESC got``.  Output is ordered, so after a move the ``got`` records before ``synced``
tell exactly which of the messages sent before the reconnect the guest has
(docs/guest-abi.md, "The channel's control records").  In the program,
``drift.send(x)`` sends ``str(x)`` and ``drift.recv()`` returns the next message as a str.

QEMU serves the channel as a Unix socket (one client at a time) and logs
everything the guest sends to a file, so messages sent while no client is
connected are not lost: :func:`recv` reads them from the log.
"""

from __future__ import annotations

import os
import socket
import time
from collections import deque
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


def resync(tag: str) -> bytes:
    """Host-to-guest control record: drop any partial message received so far, and answer
    ``ESC synced TAG`` once every message before this record was taken (``ESC got``)."""
    return f"\x1bresync {tag}\n".encode()


def _tail(log: Path, mark: int) -> tuple[int, bytes]:
    """The channel log from byte ``mark - 1`` on, and that offset (empty if unreadable)."""
    start = max(0, mark - 1)
    try:
        with log.open("rb") as f:
            f.seek(start)
            return start, f.read()
    except OSError:
        return start, b""


def _logged_answer(log: Path, mark: int) -> tuple[str, int] | None:
    """The first program message in the channel log that starts at or after byte ``mark``
    (complete lines only), and the offset just after it; None if there is none yet.  QEMU logs
    a byte just after handing it to the client, so ``mark`` may fall inside the line before:
    that line is skipped."""
    start, data = _tail(log, mark)
    pos = data.find(b"\n") + 1 if mark > 0 else 0   # the line holding byte mark-1 began before mark
    while (end := data.find(b"\n", pos)) >= 0:
        if control_record(data[pos:end]) is None:
            return decode(data[pos:end]), start + end + 1
        pos = end + 1
    return None


def _taken(log: Path, base: int, tag: str) -> tuple[int, int] | None:
    """How many ``ESC got`` records the channel log holds from byte ``base`` up to the record
    ``ESC synced TAG``, and the offset just after that record; None while it is not logged."""
    start, data = _tail(log, base)
    first = data.find(b"\n") + 1 if base > 0 else 0
    data = b"\n" + data[first:]
    start += first - 1
    end = data.find(b"\n" + resync(tag).replace(b"resync", b"synced", 1))
    if end < 0:
        return None
    return data.count(b"\n\x1bgot\n", 0, end + 1), start + end + 1 + len(resync(tag))


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

    It survives a move (``drift migrate``, a snapshot move): when the partition's end goes
    away (the source QEMU quits after the switch), the connection reconnects to ``path``,
    which by then is the destination's socket, and settles the request that was waiting for
    its answer exactly (docs/migration.md, "Clients connected during a move"): it sends
    ``ESC resync TAG`` and reads up to the guest's ``ESC synced TAG``; the guest acknowledges
    every message its program takes with ``ESC got``, in order, so the ``got`` records
    between the request's send point and ``synced`` (in the channel log, which both QEMUs
    append to) say whether the guest has the request.  If it has, its answer comes (from the
    log if the program answered while no client was connected); if not, it is sent again.
    ``log``: the partition's channel log (default: ``channel.log`` beside the socket, if there
    is one); without one only the records this connection read count, and an answer written
    while disconnected cannot be recovered.  Control records never reach the caller.

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
        #: Messages sent (wire lines) whose ``ESC got`` this connection has not read, oldest first.
        self._pending: deque[bytes] = deque()
        #: ``got`` records in the log from byte ``_base`` on are for the ``_since`` messages this
        #: connection sent since (in order; the guest writes a message's ``got`` once it takes it).
        self._base = 0
        self._since = 0
        #: How many of those ``_since`` messages an answer followed (taken, ``got`` or not).
        self._answered_upto = 0
        self._tag = f"{os.getpid():x}.{id(self) & 0xffffff:x}"
        self._resyncs = 0
        #: After a reconnect, until the guest's ``synced`` for it: what the socket carries is
        #: skipped (it may begin with the tail of a line the guest began before the move).
        self._skip_to: str | None = None
        #: How many times the connection was re-established (migrations seen).
        self.reconnects = 0
        #: How many times messages the guest did not get were sent again after a reconnect.
        self.resent = 0
        self.sock = self._open(timeout)
        self._base = self._log_size()

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

    def _sendall(self, data: bytes) -> None:
        """Raises _Closed (the partition's end went away), ChannelError (another failure)."""
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as e:
            raise _Closed(str(e)) from None
        except OSError as e:
            raise ChannelError(f"sending on {self.path} failed: {e}") from None

    def _send_raw(self, wire: bytes) -> None:
        """Send one message's wire line, tracked until its ``got``.  Raises _Closed, ChannelError."""
        self._pending.append(wire)
        self._since += 1
        self._unanswered = True
        self._sendall(wire)

    def send(self, message: str) -> None:
        """Send one message.  If the partition's end went away, reconnect once and send it again
        after ``ESC resync`` (whatever became of the first copy: :meth:`request` settles a move
        exactly).  Raises ChannelError if the partition went away for good."""
        wire = encode(message)
        try:
            self._send_raw(wire)
        except _Closed as e:
            if not self.reconnect:
                raise ChannelError(f"sending on {self.path} failed: {e}") from None
            self._reopen()
            self._skip_to = self._next_tag()
            try:
                self._sendall(resync(self._skip_to) + wire)
            except _Closed as e2:
                raise ChannelError(f"sending on {self.path} failed: {e2}") from None

    def _next_tag(self) -> str:
        self._resyncs += 1
        return f"{self._tag}.{self._resyncs}"

    def _line(self) -> bytes:
        """The next line from the socket (without its newline); an ``ESC got`` is taken note of
        here.  Raises _Closed, ChannelError (timeout, failure)."""
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
        if line == b"\x1bgot" and self._pending:
            self._pending.popleft()
        return line

    def _receive(self, timeout: float | None) -> str:
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        while True:
            line = self._line()
            words = control_record(line)
            if self._skip_to is not None and (words is None or words[:1] != ["exit"]):
                if words == ["synced", self._skip_to]:
                    self._skip_to = None
                continue
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

    def _settle(self, mark: int, timeout: float | None) -> str | None:
        """After the partition's end went away: reconnect and settle the request sent when the
        log's size was ``mark``.  Returns its answer if the program gave it already; else sends
        again the messages the guest did not get (its answer then comes on the socket) and
        returns None.  Raises _Closed (it moved again), ChannelError (cannot reconnect, no
        ``synced`` within the timeout, the program ended without answering)."""
        self._reopen()
        tag = self._skip_to = self._next_tag()
        self._sendall(resync(tag))
        if self.log is not None and (logged := _logged_answer(self.log, mark)) is not None:
            return logged[0]                        # answered while no client was connected
        wait = self.timeout if timeout is None else timeout
        self.sock.settimeout(wait)
        while True:                                 # what comes before ``synced`` is in the log too
            line = self._line()
            words = control_record(line)
            if words == ["synced", tag]:
                self._skip_to = None
                break
            if words is None or words[:1] == ["exit"]:
                # the program wrote since the reconnect: its answer, or the tail of a line begun
                # before the move (the log has the whole line; QEMU logs a byte just after the socket)
                if self.log is None:
                    if words is None:
                        return decode(line)
                else:
                    deadline = time.monotonic() + 0.05
                    while (logged := _logged_answer(self.log, mark)) is None and time.monotonic() < deadline:
                        time.sleep(0.001)
                    if logged is not None:
                        return logged[0]
                if words is not None:
                    raise ChannelError(f"the program ended (status {' '.join(words[1:2])}) without answering")
        if self.log is None:                        # only the ``got`` records read count
            n = min(len(self._pending), max(0, self._since - self._answered_upto))
            lost = list(self._pending)[len(self._pending) - n:]
        else:
            deadline = time.monotonic() + wait
            while (taken := _taken(self.log, self._base, tag)) is None:
                if time.monotonic() > deadline:
                    raise ChannelError(f"the guest's record 'synced {tag}' is missing from {self.log}")
                time.sleep(0.001)
            if (logged := _logged_answer(self.log, mark)) is not None:
                return logged[0]
            gots, self._base = taken
            n = min(len(self._pending), max(0, self._since - max(gots, self._answered_upto)))
            lost = list(self._pending)[len(self._pending) - n:]
        self._pending = deque(lost)
        self._since, self._answered_upto = len(lost), 0
        if lost:
            self.resent += 1
            self._sendall(b"".join(lost))
        return None

    def _answered(self, mark: int) -> None:
        """The request sent at log size ``mark`` was answered: it and every message before it
        were taken (their ``got`` records precede the answer, but for the request's own).  Every
        4096 messages the count restarts just after the answer in the log, so a settle reads
        only the log's tail."""
        self._unanswered = False
        self._answered_upto = self._since
        if self._since > 4096 and self.log is not None and (logged := _logged_answer(self.log, mark)) is not None:
            self._pending = deque([self._pending[-1]]) if self._pending else deque()
            self._base, self._since = logged[1], len(self._pending)
            self._answered_upto = self._since

    def request(self, message: str, timeout: float | None = None) -> str:
        """Send a message and return the program's answer (the next message it sends).  Across
        a move, see the class: every request is answered once, none is lost, none is taken twice.

        Raises:
            ChannelError: no answer within ``timeout``, the partition ended, or the connection
                cannot be re-established.
        """
        mark = self._log_size()
        try:
            self._send_raw(encode(message))
            answer = self._receive(timeout)
            self._answered(mark)
            return answer
        except _Closed as e:
            if not self.reconnect:
                raise ChannelError(f"the channel {self.path} closed: {e}") from None
        for _ in range(100):
            try:
                logged = self._settle(mark, timeout)
                answer = logged if logged is not None else self._receive(timeout)
                self._answered(mark)
                return answer
            except _Closed:
                continue                            # moved again meanwhile
        raise ChannelError(f"the channel {self.path} kept closing after reconnects")

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
