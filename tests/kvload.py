"""A client that keeps the key-value appliance (images/kvstore) busy while a partition moves.

Used by the migration tests: it sends PUT/GET pairs as fast as it can through one
:class:`runtime.channel.Connection` (which reconnects to the destination by itself) and checks
every answer: a GET must return the value of the PUT just before it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

from runtime import channel
from runtime.errors import ChannelError


class KvLoad:
    """``with KvLoad(sock) as load:`` runs the client in a thread until the block ends.

    ``counts``: sent, answered (correctly), lost (a request that raised: the client stops),
    wrong, and the connection's reconnects and resent; ``errors`` the first problems seen.
    """

    def __init__(self, sock: Path, *, key_prefix: str = "k", timeout: float = 30) -> None:
        self.sock, self.key_prefix, self.timeout = sock, key_prefix, timeout
        self.counts = {"sent": 0, "answered": 0, "lost": 0, "wrong": 0, "reconnects": 0, "resent": 0}
        self.errors: list[object] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kvload")

    def key(self, i: int) -> str:
        """The key request ``i`` uses (50 keys in turn)."""
        return f"{self.key_prefix}{(i // 2) % 50}"

    def _run(self) -> None:
        with channel.Connection(self.sock, timeout=self.timeout) as c:
            i = 0
            while not self._stop.is_set():
                key = self.key(i)
                message, want = (f"PUT {key} {i}", "OK") if i % 2 == 0 else (f"GET {key}", f"OK {i - 1}")
                self.counts["sent"] += 1
                try:
                    answer = c.request(message)
                except ChannelError as e:
                    self.counts["lost"] += 1
                    self.errors.append(str(e))
                    break
                self.counts["answered" if answer == want else "wrong"] += 1
                if answer != want:
                    self.errors.append((message, answer))
                i += 1
            self.counts["reconnects"], self.counts["resent"] = c.reconnects, c.resent

    def __enter__(self) -> KvLoad:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def check(self, moves: int) -> None:
        """Every request answered correctly (more than 100), none lost, one reconnect per move."""
        c = self.counts
        assert not self.errors and c["lost"] == c["wrong"] == 0, (c, self.errors[:5])
        assert c["answered"] == c["sent"] > 100 and c["reconnects"] == moves, c
