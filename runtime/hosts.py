"""Hosts: where Drift can start a QEMU (``drift migrate --to HOST``, ``drift hosts``).

- ``local``: this machine, in Drift's own network namespace.  Migration streams
  go over TCP on 127.0.0.1.
- ``netns:NAME``: a network namespace of this machine (``ip netns``), the way
  tests model separate machines: QEMU runs under ``ip netns exec NAME``; from
  another namespace the migration stream goes over TCP to the namespace's
  first IPv4 address, from ``local`` through a Unix socket (see
  :func:`same_network`).  It shares the file system, so images and state need
  no copying.
- ``ssh:NAME`` or ``ssh:[USER@]HOST[:PORT]``: a machine reached over ssh where drift
  is installed (:mod:`runtime.sshhost`): ``NAME`` is an entry of the hosts file
  (:func:`runtime.sshhost.hosts_file`), anything else is an ssh destination with
  default options.  QEMU runs there, started by the remote ``drift _host-agent``.

libvirt URIs are ``drift migrate --connect`` destinations (docs/migration.md).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import HostError, ToolMissingError

#: Where ``ip netns add`` puts its namespaces.
NETNS_DIR = Path("/run/netns")
_NETNS_RE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")
_IP_TIMEOUT_S = 10.0
KINDS = ("local", "netns", "ssh")
_SSH_RE = re.compile(r"(?:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,31}@)?[a-zA-Z0-9_.:\[\]-]{1,253}")


@dataclass(frozen=True)
class Host:
    """One place to run a QEMU: ``kind`` is ``local``, ``netns`` (``name``: the namespace) or
    ``ssh`` (``name``: a hosts-file entry or ``[USER@]HOST[:PORT]``)."""

    kind: str
    name: str = ""

    def __str__(self) -> str:
        return "local" if self.kind == "local" else f"{self.kind}:{self.name}"

    def prefix(self) -> list[str]:
        """The command prefix that runs a program on this host (empty for ``local``).

        Raises:
            ToolMissingError: ``ip`` (iproute2) is not installed, for a namespace.
            HostError: an ssh host (its QEMU is started by the remote drift, not by a prefix).
        """
        if self.kind == "local":
            return []
        if self.kind == "ssh":
            raise HostError(f"{self}: this operation cannot start a QEMU over ssh yet "
                            "(drift migrate without --arch can: docs/migration.md)")
        return [_ip(), "netns", "exec", self.name]

    def migration_address(self) -> str:
        """The IPv4 address a migration stream reaches this host's QEMU on.

        Raises:
            HostError: the namespace does not exist or has no IPv4 address.
            ToolMissingError: ``ip`` is not installed.
        """
        if self.kind == "local":
            return "127.0.0.1"
        if self.kind == "ssh":
            from . import sshhost
            target = sshhost.resolve(self)
            return target.address or target.hostname.strip("[]")
        addresses = netns_addresses(self.name)
        if not addresses:
            raise HostError(f"network namespace {self.name!r} has no IPv4 address to migrate to "
                            "(scripts/netns up makes test namespaces)")
        return addresses[0]

    def check(self) -> None:
        """Check that Drift can start a QEMU here.

        Raises:
            HostError: the namespace does not exist; an ssh host is not configured correctly or
                cannot be reached (with ssh's own message).
            ToolMissingError: ``ip`` or ``ssh`` is not installed.
        """
        if self.kind == "ssh":
            from . import sshhost
            sshhost.hello(sshhost.resolve(self))
        if self.kind == "netns":
            _ip()
            if not (NETNS_DIR / self.name).exists():
                raise HostError(f"no network namespace {self.name!r} (see `ip netns list`; "
                                "scripts/netns up makes test namespaces)")

    def to_json(self) -> dict[str, object]:
        """What ``drift hosts --json`` shows for this host (the address is None if it has none)."""
        if self.kind == "ssh":
            from . import sshhost
            return sshhost.resolve(self).to_json()
        try:
            address: str | None = self.migration_address()
        except HostError:
            address = None
        return {"host": str(self), "kind": self.kind, "address": address, "shared_files": True}


LOCAL = Host("local")


def parse(text: str) -> Host:
    """The host named by ``text``: ``local``, ``netns:NAME`` or ``ssh:NAME|[USER@]HOST[:PORT]``.

    Raises:
        HostError: any other form, or an invalid namespace or ssh host name.
    """
    if text == "local":
        return LOCAL
    kind, sep, name = text.partition(":")
    if sep and kind == "netns":
        if not _NETNS_RE.fullmatch(name):
            raise HostError(f"invalid network namespace name {name!r}")
        return Host("netns", name)
    if sep and kind == "ssh":
        if not _SSH_RE.fullmatch(name) or name.startswith("-"):
            raise HostError(f"invalid ssh host {name!r}: use ssh:NAME (an entry of the hosts file) "
                            "or ssh:[USER@]HOST[:PORT]")
        return Host("ssh", name)
    raise HostError(f"unknown host {text!r}: use `local`, `netns:NAME` or `ssh:[USER@]HOST[:PORT]` "
                    "(see `drift hosts`)")


def same_network(a: Host, b: Host) -> bool:
    """Whether a QEMU on ``a`` reaches one on ``b`` over TCP: the same host, or two network
    namespaces (assumed joined, as ``scripts/netns`` does).  Between ``local`` and a namespace
    of this machine, the migration stream takes a Unix socket instead (the file system is shared)."""
    return a == b or (a.kind == "netns" and b.kind == "netns") or "ssh" in (a.kind, b.kind)


def _ip() -> str:
    """The ``ip`` command.  Raises ToolMissingError if iproute2 is not installed."""
    found = shutil.which("ip")
    if found is None:
        raise ToolMissingError("ip is not installed: `sudo apt-get install iproute2`")
    return found


def netns_addresses(name: str) -> list[str]:
    """The global IPv4 addresses in network namespace ``name``, in ``ip``'s order.

    Raises:
        HostError: the namespace cannot be read (it does not exist, or no permission).
        ToolMissingError: ``ip`` is not installed.
    """
    try:
        proc = subprocess.run([_ip(), "-n", name, "-j", "-4", "addr", "show"], capture_output=True, text=True,
                              timeout=_IP_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        raise HostError(f"cannot read network namespace {name!r}: {e}") from None
    if proc.returncode != 0:
        raise HostError(f"cannot read network namespace {name!r}: {proc.stderr.strip()}")
    out: list[str] = []
    for link in json.loads(proc.stdout or "[]"):
        for addr in link.get("addr_info", []):
            if addr.get("family") == "inet" and addr.get("scope") == "global":
                out.append(str(addr["local"]))
    return out


def configured() -> list[Host]:
    """Every host Drift knows: ``local``, each network namespace (``ip netns``), by name, then
    each ssh host of the hosts file, in its order.

    Raises:
        HostError: the hosts file is invalid.
    """
    from . import sshhost
    try:
        names = sorted(p.name for p in NETNS_DIR.iterdir() if _NETNS_RE.fullmatch(p.name))
    except OSError:
        names = []
    return [LOCAL, *(Host("netns", n) for n in names), *(Host("ssh", n) for n in sshhost.load_config())]
