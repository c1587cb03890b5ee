"""Hosts reached over ssh (``ssh:NAME`` or ``ssh:[USER@]HOST[:PORT]``, docs/migration.md).

Three parts, all speaking through the system ``ssh`` client (``BatchMode``, strict host keys
from a ``known_hosts`` file, one ``ControlMaster`` connection per host kept for a minute):

- **Configuration** (:func:`load_config`, :func:`resolve`): the hosts file
  (``$DRIFT_HOSTS_FILE``, else ``$XDG_CONFIG_HOME/drift/hosts.toml``, else
  ``~/.config/drift/hosts.toml``) names ssh hosts and their options::

      [ssh.b]
      host = "root@10.78.0.2:22"       # [USER@]HOST[:PORT]
      identity = "~/.ssh/id_ed25519"    # optional
      known_hosts = "~/.config/drift/known_hosts"   # the default: Drift's own, strict
      drift = "drift"                   # the drift command on that machine (shell words)
      state_dir = "/var/lib/drift"      # its DRIFT_STATE_DIR (default: its own default)
      shared_files = false              # true: it sees this machine's files at the same paths
      address = "10.78.0.2"             # shown by drift hosts (default: HOST)

- **The agent** (:func:`agent_main`, the hidden ``drift _host-agent`` run on the remote machine
  through ssh): ``hello`` (its state directory and the addresses of the ssh connection),
  ``has-image``/``put-image`` (the image store: copies verified against their SHA-256 and
  manifest) and ``serve`` (a QEMU waiting for an incoming migration, whose output it streams
  back; it kills QEMU when the ssh session ends, so nothing is left behind).
- **The link** (:func:`link_main`, ``python -m runtime.sshhost link``): the local stand-in of a
  remote QEMU, started under the partition wrapper like a QEMU.  It runs ``ssh HOST drift
  _host-agent serve`` over the ControlMaster connection, serves ``qmp.sock`` and
  ``channel.sock`` itself (relayed by the agent), appends the streamed ``stdout.log``,
  ``stderr.log`` and ``channel.log`` to the partition's files, answers ``drain`` on
  ``link.sock`` (:func:`drain`), and exits with QEMU's exit code: every ``drift`` command works
  on a remote partition as on a local one.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import hashlib
import json
import os
import re
import secrets
import select
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import DriftError, HostError, ImageError, ToolMissingError

HOSTS_ENV = "DRIFT_HOSTS_FILE"
#: How long an ssh command (other than the link's) may take, the image copy excepted.
SSH_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 5
#: How long the ControlMaster connection stays after its last use.
CONTROL_PERSIST_S = 60
#: How often the agent looks for new output of its QEMU (``$DRIFT_AGENT_POLL_S`` there: tests
#: slow it down to make a late stream visible).
POLL_S = 0.005
POLL_ENV = "DRIFT_AGENT_POLL_S"
#: The link's frames: stream id (1 byte), length (4 bytes, big-endian), payload.
_FRAME = struct.Struct(">cI")
OUT, ERR, CHANNEL, QEMU_LOG, EVENT = b"o", b"e", b"c", b"q", b"j"
#: QMP bytes (both ways) and the link's requests to the agent (JSON: ``{"op": "qmp-open"|"qmp-close"|"drain"}``).
QMP, REQUEST = b"m", b"k"
#: The link's control socket (in the partition's directory): ``drain`` -> ``drained`` (:func:`drain`).
LINK_SOCK = "link.sock"
#: How long :func:`drain` waits for the host's answer.
DRAIN_TIMEOUT_S = 5.0
#: How long the agent waits for its QEMU's QMP socket when a client connects.
QMP_WAIT_S = 30.0
_STREAMS = {OUT: "stdout.log", ERR: "stderr.log"}
_CHANNEL_LOG, _CHANNEL_SOCK = "channel.log", "channel.sock"
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_TARGET_RE = re.compile(r"(?:(?P<user>[^@:\s]+)@)?(?P<host>\[[0-9a-fA-F:.]+\]|[^@:\s\[\]]+)(?::(?P<port>\d{1,5}))?")
_KEYS = {"host", "identity", "known_hosts", "drift", "state_dir", "shared_files", "address"}


# ---- configuration -----------------------------------------------------------------------


def config_dir() -> Path:
    """Drift's configuration directory: ``$XDG_CONFIG_HOME/drift``, else ``~/.config/drift``."""
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return (Path(xdg) if xdg else Path.home() / ".config") / "drift"


def hosts_file() -> Path:
    """The hosts file: ``$DRIFT_HOSTS_FILE``, else ``hosts.toml`` in :func:`config_dir`."""
    explicit = os.environ.get(HOSTS_ENV)
    return Path(explicit) if explicit else config_dir() / "hosts.toml"


def load_config() -> dict[str, dict[str, Any]]:
    """The ssh hosts of the hosts file (``[ssh.NAME]`` tables), by name, in the file's order
    (empty if there is no file).

    Raises:
        HostError: the file cannot be read, is not TOML, or has unknown keys or wrong types.
    """
    path = hosts_file()
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise HostError(f"cannot read the hosts file {path}: {e}") from None
    table = data.get("ssh", {})
    if not isinstance(table, dict):
        raise HostError(f"{path}: `ssh` must be a table of hosts ([ssh.NAME])")
    for name, entry in table.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("host"), str):
            raise HostError(f"{path}: [ssh.{name}] needs host = \"[USER@]HOST[:PORT]\"")
        unknown = set(entry) - _KEYS
        if unknown:
            raise HostError(f"{path}: [ssh.{name}] has unknown keys {sorted(unknown)} (known: {sorted(_KEYS)})")
        for key in _KEYS - {"shared_files"}:
            if key in entry and not isinstance(entry[key], str):
                raise HostError(f"{path}: [ssh.{name}] {key} must be a string")
        if not isinstance(entry.get("shared_files", False), bool):
            raise HostError(f"{path}: [ssh.{name}] shared_files must be true or false")
    return table


@dataclass(frozen=True)
class SshTarget:
    """One ssh host, resolved: where to connect, with what, and how to run drift there."""

    name: str
    hostname: str
    user: str | None = None
    port: int | None = None
    identity: Path | None = None
    known_hosts: Path | None = None
    drift: tuple[str, ...] = ("drift",)
    state_dir: str | None = None
    shared_files: bool = False
    address: str | None = None

    def __str__(self) -> str:
        return f"ssh:{self.name}"

    def options(self) -> list[str]:
        """The ssh options every connection uses (no ControlMaster ones)."""
        known = self.known_hosts or config_dir() / "known_hosts"
        out = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", f"UserKnownHostsFile={known}",
               "-o", "GlobalKnownHostsFile=/dev/null", "-o", f"ConnectTimeout={CONNECT_TIMEOUT_S}",
               "-o", "ServerAliveInterval=2", "-o", "ServerAliveCountMax=3", "-o", "LogLevel=ERROR"]
        if self.identity is not None:
            out += ["-i", str(self.identity), "-o", "IdentitiesOnly=yes"]
        if self.port is not None:
            out += ["-p", str(self.port)]
        if self.user is not None:
            out += ["-l", self.user]
        return out

    def remote(self, *args: str) -> str:
        """The remote command line (one string, as ssh wants) of ``drift _host-agent ARGS``."""
        words = [*self.drift, "_host-agent"]
        if self.state_dir is not None:
            words += ["--state-dir", self.state_dir]
        return shlex.join([*words, *args])

    def to_json(self) -> dict[str, object]:
        """What ``drift hosts --json`` shows."""
        return {"host": str(self), "kind": "ssh", "address": self.address or self.hostname.strip("[]"),
                "shared_files": self.shared_files, "ssh": self.destination(), "port": self.port,
                "state_dir": self.state_dir}

    def destination(self) -> str:
        return f"{self.user}@{self.hostname}" if self.user else self.hostname


def _parse_target(text: str, where: str) -> tuple[str | None, str, int | None]:
    """``[USER@]HOST[:PORT]`` as (user, host, port).  Raises HostError if malformed."""
    m = _TARGET_RE.fullmatch(text)
    if m is None or (m["port"] is not None and not 0 < int(m["port"]) < 65536):
        raise HostError(f"{where}: invalid ssh destination {text!r}: use [USER@]HOST[:PORT]")
    return m["user"], m["host"], int(m["port"]) if m["port"] else None


def resolve(host: object) -> SshTarget:
    """The :class:`SshTarget` of an ssh :class:`runtime.hosts.Host`: its hosts-file entry if it
    has one, else its name read as ``[USER@]HOST[:PORT]`` with default options.

    Raises:
        HostError: the hosts file is invalid, or the name is neither an entry nor a destination.
    """
    name = str(getattr(host, "name", host))
    entry = load_config().get(name)
    if entry is None:
        user, hostname, port = _parse_target(name, f"ssh:{name}")
        return SshTarget(name=name, hostname=hostname, user=user, port=port)
    user, hostname, port = _parse_target(entry["host"], f"{hosts_file()} [ssh.{name}]")

    def path(key: str) -> Path | None:
        return Path(entry[key]).expanduser() if key in entry else None

    return SshTarget(name=name, hostname=hostname, user=user, port=port, identity=path("identity"),
                     known_hosts=path("known_hosts"), drift=tuple(shlex.split(entry.get("drift", "drift"))),
                     state_dir=entry.get("state_dir"), shared_files=bool(entry.get("shared_files", False)),
                     address=entry.get("address"))


# ---- running commands over ssh ----------------------------------------------------------------


def _ssh() -> str:
    """The ssh client.  Raises ToolMissingError if it is not installed."""
    found = shutil.which("ssh")
    if found is None:
        raise ToolMissingError("ssh is not installed: `sudo apt-get install openssh-client`")
    return found


def control_path() -> Path:
    """Where the ControlMaster sockets live (``%C``: a hash of the connection), made if needed."""
    from .partition import state_root
    d = state_root() / "ssh"
    if len(str(d)) > 60:                              # sun_path: 108 bytes, %C is 40
        d = Path(f"/tmp/drift-ssh-{os.getuid()}")
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d / "%C"


def master_options() -> list[str]:
    return ["-o", "ControlMaster=auto", "-o", f"ControlPath={control_path()}",
            "-o", f"ControlPersist={CONTROL_PERSIST_S}"]


def close_master(target: SshTarget) -> None:
    """End the ControlMaster connection to ``target`` if one runs (``ssh -O exit``)."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run([_ssh(), *target.options(), *master_options(), "-O", "exit", target.destination()],
                       capture_output=True, timeout=10, check=False)


def _agent_call(target: SshTarget, args: Sequence[str], data: bytes | None,
                timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``drift _host-agent ARGS`` on ``target`` (``data`` on its stdin) over the shared
    connection; the finished process, once ssh reached the host and found drift there.

    Raises:
        ToolMissingError: ssh is not installed here.
        HostError: no answer in time, ssh cannot reach or log in to the host (ssh's message), or
            drift is not installed there.
    """
    cmd = [_ssh(), *target.options(), *master_options(), target.destination(), target.remote(*args)]
    try:
        proc = subprocess.run(cmd, input=data if data is not None else b"", capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise HostError(f"{target}: `drift _host-agent {args[0]}` did not answer within {timeout:g} s") from None
    except OSError as e:
        raise HostError(f"{target}: cannot run ssh: {e}") from None
    said = proc.stderr.decode(errors="replace").strip()
    if proc.returncode == 255:
        raise HostError(f"cannot reach {target} ({target.destination()}"
                        f"{f' port {target.port}' if target.port else ''}) over ssh: {said or 'ssh failed'}\n"
                        f"(check that sshd runs there, that the key is authorized, and that its host key is in "
                        f"{target.known_hosts or config_dir() / 'known_hosts'}: docs/migration.md)")
    if proc.returncode == 127:
        raise HostError(f"{target}: the drift command {shlex.join(target.drift)!r} is not found there ({said}); "
                        f"install drift on that machine or set drift = \"...\" in [ssh.{target.name}] of "
                        f"{hosts_file()}")
    return proc


def run_agent(target: SshTarget, *args: str, data: bytes | None = None,
              timeout: float = SSH_TIMEOUT_S) -> dict[str, Any]:
    """Run ``drift _host-agent ARGS`` on ``target`` (``data`` on its stdin); its JSON answer.

    Raises:
        ToolMissingError: ssh is not installed here.
        HostError: ssh cannot reach or log in to the host (ssh's message), drift is not installed
            there, or the agent failed.
        ImageError: the agent refused an image (a copy that does not match its SHA-256 or manifest).
    """
    proc = _agent_call(target, args, data, timeout)
    try:
        answer = json.loads(proc.stdout.decode() or "null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        answer = None
    if not isinstance(answer, dict):
        said = proc.stderr.decode(errors="replace").strip()
        raise HostError(f"{target}: `drift _host-agent {args[0]}` failed (exit {proc.returncode}): "
                        f"{said or proc.stdout.decode(errors='replace').strip() or 'no output'}")
    if "error" in answer:
        cls = ImageError if answer.get("kind") == "ImageError" else HostError
        raise cls(f"{target}: {answer['error']}")
    return answer


def take_file(target: SshTarget, path: str, timeout: float = SSH_TIMEOUT_S) -> bytes:
    """The bytes of file ``path`` in one of ``target``'s QEMU directories (a ``pmemsave`` there:
    a snapshot), which the host then deletes.

    Raises:
        ToolMissingError, HostError: as :func:`run_agent`, or the host has no such file there.
    """
    proc = _agent_call(target, ("take-file", path), None, timeout)
    if proc.returncode != 0:
        said = proc.stdout.decode(errors="replace").strip() or proc.stderr.decode(errors="replace").strip()
        raise HostError(f"{target}: cannot fetch {path} (exit {proc.returncode}): {said or 'no output'}")
    return proc.stdout


def hello(target: SshTarget, image_sha256: str | None = None) -> dict[str, Any]:
    """Connect to ``target`` (opening the ControlMaster connection) and ask its agent where things
    are: ``state_dir``, ``server_ip`` (the address this machine reached it on), ``client_ip``
    (this machine's address as that host sees it), ``qemu`` (QEMU is installed); with
    ``image_sha256``, in the same round trip, ``image``: whether its store has an intact copy of
    that image (``{"path": ..., "corrupt": ...}``, as ``has-image``; a corrupt copy is deleted).

    Raises:
        As :func:`run_agent`; ImageError for an invalid ``image_sha256``.
    """
    if image_sha256 is None:
        return run_agent(target, "hello")
    if not _SHA_RE.fullmatch(image_sha256):
        raise ImageError(f"invalid recorded image SHA-256 {image_sha256!r}")
    return run_agent(target, "hello", image_sha256)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, hex.  Raises OSError if it cannot be read."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class ImageCopy:
    """Where an image is on an ssh host, and what it took to get it there."""

    path: str
    copied: bool
    bytes: int
    #: The host had a copy that no longer matched its SHA-256: it was deleted and copied again.
    replaced_corrupt: bool
    seconds: float


def ensure_image(target: SshTarget, image_path: Path, sha256: str,
                 have: dict[str, Any] | None = None) -> ImageCopy:
    """Make sure ``target`` holds the image ``image_path`` (with SHA-256 ``sha256``) and its
    manifest: on a host that shares the file system, the same path; else its image store,
    where a copy is verified (SHA-256 and manifest) before it is used; the image is copied
    (over the ssh connection) only if the store has no intact copy.  ``have``: the store's answer
    already obtained (:func:`hello` with the image's SHA-256), which saves a round trip.

    Raises:
        ImageError: the local image or manifest is missing or does not match ``sha256``, or the
            host refused the copy (it arrived corrupted).
        HostError: as :func:`run_agent`.
    """
    from . import image
    started = time.monotonic()
    if target.shared_files:
        return ImageCopy(str(image_path), False, 0, False, 0.0)
    if not _SHA_RE.fullmatch(sha256):
        raise ImageError(f"{image_path}: invalid recorded SHA-256 {sha256!r}")
    if have is None:
        have = run_agent(target, "has-image", sha256)
    if have.get("path"):
        return ImageCopy(str(have["path"]), False, 0, False, time.monotonic() - started)
    try:
        data = image_path.read_bytes()
        manifest = image.manifest_path(image_path).read_bytes()
    except OSError as e:
        raise ImageError(f"cannot read {e.filename} to copy it to {target}: {e.strerror}") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ImageError(f"{image_path} no longer matches the SHA-256 the partition was started with; "
                         "it cannot be copied to another host")
    put = run_agent(target, "put-image", sha256, base64.b64encode(manifest).decode(), data=data,
                    timeout=SSH_TIMEOUT_S + len(data) / (1 << 20))
    return ImageCopy(str(put["path"]), True, len(data), bool(have.get("corrupt")), time.monotonic() - started)


def remote_command(qemu_command: Sequence[str], image_path: str) -> list[str]:
    """QEMU's command line with the kernel image at ``image_path`` (where the host has it)."""
    out = list(qemu_command)
    for i, arg in enumerate(out[:-1]):
        if arg == "-kernel":
            out[i + 1] = image_path
    return out


def link_command(target: SshTarget, remote_dir: str, command: Sequence[str]) -> list[str]:
    """The command (run in the partition's directory, under its wrapper) of the link to a QEMU
    started in ``remote_dir`` on ``target`` with ``command``."""
    spec = {"target": {**target.__dict__, "identity": str(target.identity) if target.identity else None,
                       "known_hosts": str(target.known_hosts) if target.known_hosts else None},
            "dir": remote_dir, "command": list(command)}
    return [sys.executable, "-m", "runtime.sshhost", "link", base64.b64encode(json.dumps(spec).encode()).decode()]


def launch(host: object, image_path: Path, image_sha256: str, qemu_command: Sequence[str], name: str,
           greeting: dict[str, Any] | None = None) -> tuple[list[str], dict[str, object], ImageCopy]:
    """What starting ``qemu_command`` (this machine's command line for ``image_path``) on the ssh
    host ``host`` takes: the image there (copied and verified if need be; ``greeting`` is this
    host's :func:`hello` answer when already asked), the command of the link to run locally under
    the partition's wrapper, and what the partition's ``meta.json`` records of the remote end.

    Raises:
        HostError, ToolMissingError: the host cannot be reached or its agent failed.
        ImageError: the image cannot be copied, or arrived corrupted.
    """
    target = resolve(host)
    hello_ = greeting if greeting is not None else hello(target, None if target.shared_files else image_sha256)
    have = hello_.get("image")
    copy = ensure_image(target, image_path, image_sha256, have if isinstance(have, dict) else None)
    rdir = f"{hello_['state_dir']}/incoming/{name}.{secrets.token_hex(4)}"
    command = link_command(target, rdir, _with_files(target, remote_command(qemu_command, copy.path)))
    return command, {"dir": rdir, "image": copy.path, "server_ip": hello_.get("server_ip"),
                     "client_ip": hello_.get("client_ip")}, copy


_LOADER_RE = re.compile(r"loader,file=([^,]+)(,.*)?")


def _with_files(target: SshTarget, command: Sequence[str]) -> list[str]:
    """``command`` with the file of each ``loader`` device (a restore's snapshot) copied to
    ``target``'s file store (SHA-256 verified there) and named by its path there.

    Raises:
        ImageError: a file cannot be read here, or arrived corrupted there.
        HostError: as :func:`run_agent`.
    """
    out = list(command)
    for i, arg in enumerate(out):
        m = _LOADER_RE.fullmatch(arg)
        if m is None or target.shared_files:
            continue
        try:
            data = Path(m.group(1)).read_bytes()
        except OSError as e:
            raise ImageError(f"cannot read {m.group(1)} to copy it to {target}: {e.strerror}") from None
        put = run_agent(target, "put-file", hashlib.sha256(data).hexdigest(), data=data,
                        timeout=SSH_TIMEOUT_S + len(data) / (1 << 20))
        out[i] = f"loader,file={put['path']}{m.group(2) or ''}"
    return out


def remote_pid(d: Path) -> int | None:
    """The remote QEMU's pid, as the link in partition directory ``d`` recorded it (None: not yet)."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return int(json.loads((d / "remote.json").read_text())["qemu_pid"])
    return None


# ---- the link (this machine) ----------------------------------------------------------------


def _die_with_parent(sig: int) -> None:
    """In a child (preexec_fn): receive ``sig`` when the parent dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG


def _read_exact(f: IO[bytes], n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = f.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class _Frames:
    """Frames read from a file descriptor as they come (:data:`_FRAME`)."""

    def __init__(self) -> None:
        self.buf = b""

    def feed(self, data: bytes) -> list[tuple[bytes, bytes]]:
        self.buf += data
        out = []
        while len(self.buf) >= _FRAME.size:
            sid, size = _FRAME.unpack_from(self.buf)
            if len(self.buf) < _FRAME.size + size:
                break
            out.append((sid, self.buf[_FRAME.size:_FRAME.size + size]))
            self.buf = self.buf[_FRAME.size + size:]
        return out


def _listen(name: str) -> socket.socket:
    """A Unix socket listening at ``name`` (relative: in the current directory)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(name)
    listener.listen(8)
    return listener


def _request(sid: bytes, payload: dict[str, object] | bytes) -> bytes:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return _FRAME.pack(sid, len(data)) + data


def link_main(encoded: str) -> int:
    """The link (see the module): runs until the remote QEMU ends; its exit code.  SIGTERM closes
    the ssh session's stdin: the agent kills QEMU and removes its directory, then the link ends.

    The session rides the ControlMaster connection :func:`hello` opened (no second handshake).
    Nothing is forwarded by ssh: the agent is the remote QEMU's one channel client and its QMP
    client's relay.  ``qmp.sock`` here takes one client at a time, as QEMU's own does (the next
    waits in the backlog); each is relayed to a new connection to the remote QEMU's monitor.
    Every byte the guest sends on the channel is appended to ``channel.log`` *before* it is
    handed to the local client of ``channel.sock`` (if one is connected), as QEMU itself does: a
    client that reconnects after a move finds in the log every answer it was not given.
    ``link.sock`` answers ``drain``: everything the remote QEMU has written so far is in the
    local logs (:func:`drain`).
    """
    spec = json.loads(base64.b64decode(encoded))
    t = spec["target"]
    target = SshTarget(**{**t, "drift": tuple(t["drift"]),
                          "identity": Path(t["identity"]) if t["identity"] else None,
                          "known_hosts": Path(t["known_hosts"]) if t["known_hosts"] else None})
    rdir = spec["dir"]
    chan_listener, qmp_listener, ctl_listener = _listen(_CHANNEL_SOCK), _listen("qmp.sock"), _listen(LINK_SOCK)
    cmd = [_ssh(), *target.options(), *master_options(), target.destination(), target.remote("serve")]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            preexec_fn=lambda: _die_with_parent(signal.SIGTERM))
    assert proc.stdin is not None and proc.stdout is not None
    up = proc.stdin
    ending = {"stop": False}

    def stop(signum: int, frame: object) -> None:
        ending["stop"] = True
        with contextlib.suppress(OSError, ValueError):
            up.close()                               # EOF: the agent kills QEMU and cleans up

    def send(data: bytes) -> None:
        with contextlib.suppress(OSError, ValueError):
            up.write(data)
            up.flush()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    send(json.dumps({"dir": rdir, "command": spec["command"]}).encode() + b"\n")
    fds = {sid: os.open(name, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
           for sid, name in _STREAMS.items()}
    chan_log = os.open(_CHANNEL_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    down = proc.stdout.fileno()
    frames = _Frames()
    client: socket.socket | None = None              # the channel's client
    qmp_client: socket.socket | None = None
    qmp_state = "idle"                               # idle | open | closing (waiting for the agent's close)
    draining: list[socket.socket] = []               # control clients waiting for "drained"
    controls: list[socket.socket] = []
    code: int | None = None

    def close_qmp(tell: bool) -> str:
        nonlocal qmp_client
        if qmp_client is not None:
            qmp_client.close()
            qmp_client = None
        if tell:
            send(_request(REQUEST, {"op": "qmp-close"}))
            return "closing"
        return "idle"

    while True:
        watched: list[Any] = [down, client if client is not None else chan_listener, ctl_listener, *controls]
        if qmp_state == "idle":
            watched.append(qmp_listener)
        elif qmp_client is not None:
            watched.append(qmp_client)
        ready, _, _ = select.select(watched, [], [], 1.0)
        if down in ready:
            data = os.read(down, 1 << 16)
            if not data:
                break
            for sid, payload in frames.feed(data):
                if sid == CHANNEL:
                    os.write(chan_log, payload)          # logged first, then handed over
                    if client is not None:
                        try:
                            client.sendall(payload)
                        except OSError:
                            client.close()
                            client = None
                elif sid in fds:
                    os.write(fds[sid], payload)
                elif sid == QMP:
                    if qmp_client is not None:
                        try:
                            qmp_client.sendall(payload)
                        except OSError:
                            qmp_state = close_qmp(tell=True)
                elif sid == QEMU_LOG:
                    sys.stderr.buffer.write(payload)
                    sys.stderr.flush()
                elif sid == EVENT:
                    event = json.loads(payload)
                    kind = event.get("event")
                    if kind == "started":
                        tmp = Path("remote.json.tmp")
                        tmp.write_text(json.dumps({"qemu_pid": event["pid"], "dir": rdir, "host": str(target)}))
                        tmp.replace("remote.json")
                    elif kind == "exit":
                        code = int(event["code"])
                    elif kind == "qmp-close":
                        qmp_state = close_qmp(tell=qmp_state == "open")
                        if qmp_state == "closing":       # it was open here: our close acknowledges theirs
                            qmp_state = "idle"
                    elif kind == "drained":
                        for c in draining:
                            with contextlib.suppress(OSError):
                                c.sendall(b"drained\n")
                        draining.clear()
        if client is None and chan_listener in ready:
            client, _ = chan_listener.accept()
        elif client is not None and client in ready:
            try:
                data = client.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                client.close()
                client = None
            else:
                send(_FRAME.pack(CHANNEL, len(data)) + data)
        if qmp_state == "idle" and qmp_listener in ready:
            qmp_client, _ = qmp_listener.accept()
            qmp_state = "open"
            send(_request(REQUEST, {"op": "qmp-open"}))
        elif qmp_client is not None and qmp_client in ready:
            try:
                data = qmp_client.recv(1 << 16)
            except OSError:
                data = b""
            if data:
                send(_FRAME.pack(QMP, len(data)) + data)
            else:
                qmp_state = close_qmp(tell=True)
        if ctl_listener in ready:
            controls.append(ctl_listener.accept()[0])
        for c in [c for c in controls if c in ready]:
            try:
                data = c.recv(64)
            except OSError:
                data = b""
            if data.startswith(b"drain"):
                draining.append(c)
                send(_request(REQUEST, {"op": "drain"}))
            else:
                controls.remove(c)
                if c in draining:
                    draining.remove(c)
                c.close()
    for sock in [client, qmp_client, *controls]:
        if sock is not None:
            sock.close()
    rc = proc.wait()
    if code is None:
        print(f"drift: the ssh session to {target} ended (ssh exit {rc}) without QEMU's exit status"
              + ("" if ending["stop"] else "; the connection was lost"), file=sys.stderr)
        return 255
    return code


def drain(d: Path, timeout: float = DRAIN_TIMEOUT_S) -> None:
    """Wait until everything the QEMU behind the link in directory ``d`` has written so far
    (stdout, stderr, channel) is in the local logs: the link asks the agent, which sends what its
    files and channel hold, then ``drained``; frames arrive in order.  Used when a partition
    leaves an ssh host, while the source is paused before the switch-over, so that the
    destination's first output comes after the source's last.

    Raises:
        HostError: the link or the host did not answer within ``timeout``.
    """
    from .partition import reachable
    deadline = time.monotonic() + timeout
    try:
        with reachable(d / LINK_SOCK) as path, socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            s.sendall(b"drain\n")
            got = b""
            while not got.endswith(b"drained\n"):
                s.settimeout(max(0.001, deadline - time.monotonic()))
                chunk = s.recv(64)
                if not chunk:
                    raise HostError("the link to the ssh host ended before its output was drained")
                got += chunk
    except (OSError, TimeoutError) as e:
        raise HostError(f"the ssh host's output could not be drained: {e}") from None


# ---- the agent (the remote machine) ------------------------------------------------------------


def _frame(out: IO[bytes], sid: bytes, payload: bytes) -> None:
    out.write(_FRAME.pack(sid, len(payload)) + payload)


def _agent_state(state_dir: str | None) -> Path:
    from .partition import state_root
    return Path(state_dir) if state_dir else state_root()


def _images(root: Path) -> Path:
    d = root / "images"
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d


def _agent_has_image(root: Path, sha: str) -> dict[str, object]:
    """An intact copy in the store, or none: a copy whose SHA-256 or manifest no longer matches is deleted."""
    from . import image
    path = _images(root) / f"{sha}.elf"
    if not path.exists():
        return {"path": None, "corrupt": False}
    try:
        intact = sha256_file(path) == sha and image.verify(path).image_sha256 == sha
    except (OSError, ImageError):
        intact = False
    if intact:
        return {"path": str(path), "corrupt": False}
    for p in (path, image.manifest_path(path)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    return {"path": None, "corrupt": True}


def _read_verified(sha: str, what: str) -> bytes:
    """All of stdin, which must have SHA-256 ``sha``.  Raises ImageError if it does not."""
    data = sys.stdin.buffer.read()
    got = hashlib.sha256(data).hexdigest()
    if got != sha:
        raise ImageError(f"the {what} copied here has SHA-256 {got}, not {sha} ({len(data)} bytes arrived): "
                         "it was corrupted or cut short on the way; it was not stored")
    return data


def _agent_put_image(root: Path, sha: str, manifest_b64: str) -> dict[str, object]:
    """Store the image read from stdin, once verified against ``sha`` and the manifest.

    Raises:
        ImageError: the data does not match ``sha``, or the image does not match the manifest.
    """
    from . import image
    data = _read_verified(sha, "image")
    images = _images(root)
    tmp = images / f".put-{secrets.token_hex(4)}"
    tmp.mkdir(mode=0o700)
    try:
        (tmp / f"{sha}.elf").write_bytes(data)
        (tmp / f"{sha}.manifest.json").write_bytes(base64.b64decode(manifest_b64))
        manifest = image.verify(tmp / f"{sha}.elf")
        if manifest.image_sha256 != sha:
            raise ImageError(f"the manifest copied with image {sha} is for another image ({manifest.image_sha256})")
        os.replace(tmp / f"{sha}.manifest.json", images / f"{sha}.manifest.json")
        os.replace(tmp / f"{sha}.elf", images / f"{sha}.elf")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"path": str(images / f"{sha}.elf")}


def _agent_put_file(root: Path, sha: str) -> dict[str, object]:
    """Store the file read from stdin (a loader device's: a snapshot to restore) in ``ROOT/files``,
    once verified against ``sha``; an intact copy already there is kept.

    Raises:
        ImageError: the data does not match ``sha``.
    """
    data = _read_verified(sha, "file")
    files = root / "files"
    files.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = files / f".put-{secrets.token_hex(4)}"
    tmp.write_bytes(data)
    os.replace(tmp, files / sha)
    return {"path": str(files / sha)}


def _agent_take_file(root: Path, path: str) -> int:
    """Write file ``path`` (in a QEMU directory under ``ROOT/incoming``) to stdout, then delete it.

    Raises:
        HostError: it is not in such a directory.
        OSError: it cannot be read.
    """
    p = Path(path).resolve()
    if p.parent.parent != (root / "incoming").resolve():
        raise HostError(f"{path} is not in a QEMU directory of {root / 'incoming'}")
    try:
        data = p.read_bytes()
    finally:
        with contextlib.suppress(OSError):
            p.unlink()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


def _agent_serve(root: Path) -> int:
    """Start the QEMU the first stdin line describes in its directory (under ``ROOT/incoming``),
    stream its output files and QEMU's messages to stdout (frames), and wait: until QEMU ends
    (exit with its exit code) or stdin closes (kill QEMU).  The directory is removed either way.
    """
    out = sys.stdout.buffer
    line = b""
    while not line.endswith(b"\n"):
        byte = os.read(0, 1)
        if not byte:
            return 0
        line += byte
    spec = json.loads(line)
    rdir = Path(spec["dir"])
    incoming = (root / "incoming").resolve()
    if rdir.resolve().parent != incoming:
        raise HostError(f"{rdir} is not a directory of {incoming}")
    incoming.mkdir(mode=0o700, parents=True, exist_ok=True)
    rdir.mkdir(mode=0o700)
    try:
        command = [str(a) for a in spec["command"]]
        if not Path(command[0]).exists() and shutil.which(Path(command[0]).name):
            command[0] = str(shutil.which(Path(command[0]).name))
        files = {sid: rdir / name for sid, name in _STREAMS.items()}
        for p in files.values():
            p.touch(mode=0o600)
        qlog = rdir / "qemu.log"
        with qlog.open("wb") as err:
            try:
                qemu = subprocess.Popen(command, cwd=rdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=err, preexec_fn=lambda: _die_with_parent(signal.SIGKILL))
            except OSError as e:
                _frame(out, QEMU_LOG, f"cannot start QEMU on this host: {e}\n".encode())
                _frame(out, EVENT, json.dumps({"event": "exit", "code": 127}).encode())
                out.flush()
                return 127
        _frame(out, EVENT, json.dumps({"event": "started", "pid": qemu.pid}).encode())
        out.flush()
        readers = {sid: p.open("rb") for sid, p in {**files, QEMU_LOG: qlog}.items()}
        stopping = {"now": False}

        def stop(signum: int, frame: object) -> None:
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, stop)

        try:
            poll_s = max(0.001, float(os.environ.get(POLL_ENV) or POLL_S))
        except ValueError:
            poll_s = POLL_S
        pumped = {"at": 0.0}

        def pump() -> None:
            pumped["at"] = time.monotonic()
            for sid, f in readers.items():
                while chunk := f.read(1 << 16):
                    _frame(out, sid, chunk)
            out.flush()

        chan: socket.socket | None = None
        monitor: socket.socket | None = None             # the relayed QMP connection
        frames = _Frames()

        def drain_channel() -> None:
            if chan is not None:                         # what the guest has sent so far
                chan.setblocking(False)
                with contextlib.suppress(OSError):
                    while data := chan.recv(1 << 16):
                        _frame(out, CHANNEL, data)
                chan.setblocking(True)

        def open_monitor() -> socket.socket | None:
            """A connection to QEMU's QMP socket, waiting for QEMU to make it (None if QEMU ends first)."""
            deadline = time.monotonic() + QMP_WAIT_S
            while qemu.poll() is None and time.monotonic() < deadline:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(str(rdir / "qmp.sock"))
                    return s
                except OSError:
                    s.close()
                time.sleep(POLL_S)
            return None

        def close_monitor() -> None:
            nonlocal monitor
            if monitor is not None:
                monitor.close()
                monitor = None
            _frame(out, EVENT, b'{"event": "qmp-close"}')

        try:
            while qemu.poll() is None and not stopping["now"]:
                if chan is None and (rdir / _CHANNEL_SOCK).exists():
                    chan = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    try:
                        chan.connect(str(rdir / _CHANNEL_SOCK))
                    except OSError:
                        chan.close()
                        chan = None
                watched = [0] + [s for s in (chan, monitor) if s is not None]
                ready, _, _ = select.select(watched, [], [], max(0.0, pumped["at"] + poll_s - time.monotonic()))
                if 0 in ready:
                    data = os.read(0, 1 << 16)
                    if not data:
                        break                            # the link ended: end QEMU too
                    for sid, payload in frames.feed(data):
                        if sid == CHANNEL and chan is not None:
                            with contextlib.suppress(OSError):
                                chan.sendall(payload)
                        elif sid == QMP and monitor is not None:
                            try:
                                monitor.sendall(payload)
                            except OSError:
                                close_monitor()
                        elif sid == REQUEST:
                            op = json.loads(payload).get("op")
                            if op == "qmp-open":
                                if monitor is not None:
                                    monitor.close()
                                monitor = open_monitor()
                                if monitor is None:
                                    close_monitor()
                            elif op == "qmp-close" and monitor is not None:
                                monitor.close()
                                monitor = None
                                _frame(out, EVENT, b'{"event": "qmp-close"}')
                            elif op == "drain":          # everything so far, then the marker
                                drain_channel()
                                pump()
                                _frame(out, EVENT, b'{"event": "drained"}')
                    out.flush()
                if chan is not None and chan in ready:
                    try:
                        data = chan.recv(1 << 16)
                    except OSError:
                        data = b""
                    if data:
                        _frame(out, CHANNEL, data)
                    else:
                        chan.close()
                        chan = None
                if monitor is not None and monitor in ready:
                    try:
                        data = monitor.recv(1 << 16)
                    except OSError:
                        data = b""
                    if data:
                        _frame(out, QMP, data)
                    else:
                        close_monitor()
                if time.monotonic() >= pumped["at"] + poll_s:
                    pump()
                else:
                    out.flush()
            if qemu.poll() is None:
                qemu.kill()
            rc = qemu.wait()
            drain_channel()                              # what the guest sent last
            if monitor is not None:                      # QEMU's last QMP words (e.g. quit's answer)
                monitor.setblocking(False)
                with contextlib.suppress(OSError):
                    while data := monitor.recv(1 << 16):
                        _frame(out, QMP, data)
            pump()
            code = rc if rc >= 0 else 128 - rc
            if rc < 0:
                _frame(out, QEMU_LOG, f"QEMU on this host was killed by signal {-rc}\n".encode())
            _frame(out, EVENT, json.dumps({"event": "exit", "code": code}).encode())
            out.flush()
        except OSError:                                  # the link is gone (stdout closed)
            if qemu.poll() is None:
                qemu.kill()
            rc = qemu.wait()
            code = rc if rc >= 0 else 128 - rc
        return code
    finally:
        shutil.rmtree(rdir, ignore_errors=True)
        store = (root / "files").resolve()
        for arg in spec["command"]:                       # a restored snapshot copied for this QEMU only
            m = _LOADER_RE.fullmatch(str(arg))
            if m is not None and Path(m.group(1)).resolve().parent == store:
                with contextlib.suppress(OSError):
                    Path(m.group(1)).unlink()


def _addresses() -> tuple[str | None, str | None]:
    """(this host's address, the client's) of the ssh connection (``SSH_CONNECTION``)."""
    words = os.environ.get("SSH_CONNECTION", "").split()
    if len(words) != 4:
        return None, None
    return words[2], words[0]


def agent_main(argv: Sequence[str]) -> int:
    """``drift _host-agent [--state-dir DIR] REQUEST``, the remote half of an ssh host; REQUEST is
    ``hello [SHA]``, ``has-image SHA``, ``put-image SHA MANIFEST``, ``put-file SHA``,
    ``take-file PATH`` (raw bytes out) or ``serve``.  Prints one JSON answer (``{"error": ...}`` on failure),
    except ``serve``, which streams frames."""
    args = list(argv)
    state_dir = None
    if args[:1] == ["--state-dir"] and len(args) >= 2:
        state_dir, args = args[1], args[2:]
    root = _agent_state(state_dir)
    try:
        if args[:1] == ["hello"] and (len(args) == 1 or len(args) == 2 and _SHA_RE.fullmatch(args[1])):
            server, client = _addresses()
            answer: dict[str, object] = {"state_dir": str(root), "server_ip": server, "client_ip": client,
                                         "qemu": shutil.which("qemu-system-x86_64") is not None, "pid": os.getpid()}
            if len(args) == 2:                          # the image check in the same round trip
                answer["image"] = _agent_has_image(root, args[1])
        elif len(args) == 2 and args[0] == "has-image" and _SHA_RE.fullmatch(args[1]):
            answer = _agent_has_image(root, args[1])
        elif len(args) == 3 and args[0] == "put-image" and _SHA_RE.fullmatch(args[1]):
            answer = _agent_put_image(root, args[1], args[2])
        elif len(args) == 2 and args[0] == "put-file" and _SHA_RE.fullmatch(args[1]):
            answer = _agent_put_file(root, args[1])
        elif len(args) == 2 and args[0] == "take-file":
            return _agent_take_file(root, args[1])
        elif args == ["serve"]:
            return _agent_serve(root)
        else:
            raise HostError(f"drift _host-agent: unknown request {args!r} (a different drift version on each side?)")
    except DriftError as e:
        print(json.dumps({"error": e.message, "kind": type(e).__name__}))
        return e.exit_code
    except OSError as e:
        print(json.dumps({"error": str(e), "kind": "OSError"}))
        return 74
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["link"] and len(sys.argv) == 3:
        sys.exit(link_main(sys.argv[2]))
    sys.exit(agent_main(sys.argv[1:]))
