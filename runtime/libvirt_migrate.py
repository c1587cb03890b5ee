"""Live migration of a libvirt-backend partition to another libvirtd (``drift migrate NAME
--backend libvirt --connect SRC --to qemu+tcp://HOST/system``): peer to peer.

The source libvirtd itself connects to the destination libvirtd (``migrateToURI3`` with
``VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_LIVE``), which starts the destination QEMU with the same
domain XML, and QEMU's stream goes straight from host to host (``tcp://HOST``, the address in
the destination URI).  The domain is made persistent on the destination
(``VIR_MIGRATE_PERSIST_DEST``); on the source Drift reads the completed job's statistics
(downtime, total time, bytes) and then undefines it.  The options map onto libvirt's:
``--downtime-limit`` (``migrateSetMaxDowntime``), ``--bandwidth`` (``VIR_MIGRATE_PARAM_BANDWIDTH``),
``--postcopy`` (``VIR_MIGRATE_POSTCOPY`` then ``migrateStartPostCopy`` after the first pass),
``--multifd N`` (``VIR_MIGRATE_PARALLEL``), ``--xbzrle`` (``VIR_MIGRATE_COMPRESSED``),
``--auto-converge`` (``VIR_MIGRATE_AUTO_CONVERGE``).  Ctrl-C, ``--timeout`` and
``drift migrate --cancel`` abort the job (``abortJob``): the source runs on.

Both hosts must see the partition's folder at the same path (its kernel image, logs and
channel socket are in it): true for libvirtds in network namespaces of one machine
(scripts/libvirtd --netns); other hosts would need the folder copied first (not done).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from .errors import MigrationError, PartitionStateError, UsageError
from .libvirt_backend import LibvirtBackend, channel_socket_of
from .migrate import CANCEL_WAIT_S, MigrateOptions, MigrationReport, Progress

_POLL_S = 0.02


def _stat(stats: dict[str, Any], key: str) -> int | None:
    value = stats.get(key)
    return int(value) if isinstance(value, int) else None


def dest_xml(xml: str) -> str:
    """The domain XML for the destination: the same, but the channel socket gets the next name
    (``channel.sock`` -> ``channel.1.sock`` -> ``channel.2.sock``...): both QEMUs share the
    partition's folder, and the source removes its socket file when it ends."""
    path = channel_socket_of(xml)
    if path is None:
        return xml
    m = re.fullmatch(r"channel(?:\.(\d+))?\.sock", path.name)
    n = int(m.group(1) or 0) + 1 if m else 1
    return xml.replace(f"path='{path}'", f"path='{path.with_name(f'channel.{n}.sock')}'") \
              .replace(f'path="{path}"', f'path="{path.with_name(f"channel.{n}.sock")}"')


def _cancel_file(backend: LibvirtBackend, name: str) -> str:
    """The file whose existence asks the migration of ``name`` to cancel (``drift migrate --cancel``)."""
    return str(backend.state_dir / f".{name}.cancel")


def cancel(backend: LibvirtBackend, name: str) -> str:
    """``drift migrate NAME --cancel`` for a libvirt partition: ask the migrating process to abort.

    Raises:
        PartitionNotFound: no such partition on the backend's URI.
        PartitionStateError: no migration of it runs.
        MigrationError: it did not stop within CANCEL_WAIT_S.
    """
    dom = backend._domain(name)
    lv = backend._lib()
    if dom.jobInfo()[0] == lv.VIR_DOMAIN_JOB_NONE:
        raise PartitionStateError(f"{name} is not being migrated")
    path = _cancel_file(backend, name)
    with open(path, "w"):
        pass
    deadline = time.monotonic() + CANCEL_WAIT_S
    while os.path.exists(path):
        if time.monotonic() > deadline:
            raise MigrationError(f"the migration of {name} did not stop within {CANCEL_WAIT_S:g} s")
        time.sleep(_POLL_S)
    return f"the migration of {name} was cancelled; it keeps running where it was"


def migrate(backend: LibvirtBackend, name: str, dest_uri: str, options: MigrateOptions | None = None, *,
            progress: Progress | None = None) -> MigrationReport:
    """Migrate libvirt partition ``name`` from ``backend``'s libvirtd to the one at ``dest_uri``
    (a URI the *source libvirtd* can reach, e.g. ``qemu+tcp://10.77.0.2/system``).

    Raises:
        UsageError: an invalid option or URI.
        PartitionNotFound: no such partition.
        PartitionStateError: it does not run.
        MigrationError: libvirt failed, it was interrupted, cancelled or timed out (the source runs on).
    """
    options = options or MigrateOptions()
    options.validate()
    host = urlsplit(dest_uri).hostname
    if not dest_uri.startswith("qemu+") or not host:
        raise UsageError(f"--to {dest_uri!r}: a libvirt partition migrates to a libvirt URI with a host, "
                         "e.g. qemu+tcp://10.77.0.2/system")
    lv = backend._lib()
    dom = backend._domain(name)
    info = backend.inspect(name)
    if info.state not in ("running", "paused"):
        raise PartitionStateError(f"cannot migrate {name}: it is {info.state}")
    flags = lv.VIR_MIGRATE_LIVE | lv.VIR_MIGRATE_PEER2PEER | lv.VIR_MIGRATE_PERSIST_DEST
    params: dict[str, Any] = {lv.VIR_MIGRATE_PARAM_URI: f"tcp://{host}"}
    if options.bandwidth_mib_s is not None:
        params[lv.VIR_MIGRATE_PARAM_BANDWIDTH] = max(1, round(options.bandwidth_mib_s))
    if options.postcopy:
        flags |= lv.VIR_MIGRATE_POSTCOPY
    if options.multifd_channels is not None:
        flags |= lv.VIR_MIGRATE_PARALLEL
        params[lv.VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS] = options.multifd_channels
    if options.xbzrle:
        flags |= lv.VIR_MIGRATE_COMPRESSED
        params[lv.VIR_MIGRATE_PARAM_COMPRESSION] = "xbzrle"
    if options.auto_converge:
        flags |= lv.VIR_MIGRATE_AUTO_CONVERGE
    backend._call("set the downtime limit of", name, lambda: dom.migrateSetMaxDowntime(options.downtime_limit_ms))
    xml = backend._call("read the XML of", name, lambda: dom.XMLDesc(lv.VIR_DOMAIN_XML_MIGRATABLE))
    params[lv.VIR_MIGRATE_PARAM_DEST_XML] = dest_xml(xml)

    failure: list[BaseException] = []

    def run() -> None:
        try:
            dom.migrateToURI3(dest_uri, params, flags)
        except BaseException as e:  # handed to the caller's thread
            failure.append(e)

    cancel_path = _cancel_file(backend, name)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(cancel_path)
    started = time.monotonic()
    deadline = None if options.timeout_s is None else started + options.timeout_s
    worker = threading.Thread(target=run, name=f"migrate-{name}", daemon=True)
    worker.start()
    postcopy_started = False
    why: str | None = None
    try:
        while worker.is_alive():
            worker.join(_POLL_S)
            if not worker.is_alive():
                break
            if os.path.exists(cancel_path):
                why = "cancelled by drift migrate --cancel"
            elif deadline is not None and time.monotonic() > deadline:
                why = "the migration did not complete within --timeout"
            if why is not None:
                break
            with contextlib.suppress(lv.libvirtError):
                stats = dom.jobStats()
                if progress is not None:
                    progress({"status": "active", "ram": {"total": stats.get("memory_total"),
                                                         "transferred": stats.get("memory_processed"),
                                                         "remaining": stats.get("memory_remaining"),
                                                         "dirty-sync-count": stats.get("memory_iteration")}})
                if options.postcopy and not postcopy_started and int(stats.get("memory_iteration") or 0) >= 2:
                    dom.migrateStartPostCopy(0)
                    postcopy_started = True
    except KeyboardInterrupt:
        why = "interrupted"
    if why is not None:
        with contextlib.suppress(lv.libvirtError):
            dom.abortJob()
        worker.join(CANCEL_WAIT_S)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(cancel_path)
        raise MigrationError(f"migration of {name} to {dest_uri} {why}; it was cancelled and "
                             f"{name} keeps running on {backend.uri}")
    if failure:
        e = failure[0]
        message = e.get_error_message() if isinstance(e, lv.libvirtError) else str(e)
        raise MigrationError(f"migration of {name} to {dest_uri} failed: {message}; "
                             f"{name} keeps running on {backend.uri}")
    wall = time.monotonic() - started
    final: dict[str, Any] = {}
    with contextlib.suppress(lv.libvirtError):
        final = dom.jobStats(lv.VIR_DOMAIN_JOB_STATS_COMPLETED)
    with contextlib.suppress(lv.libvirtError):   # the source's now inactive definition
        dom.undefineFlags(lv.VIR_DOMAIN_UNDEFINE_KEEP_NVRAM)
    return MigrationReport(
        name=name, status="completed", source_host=backend.uri, dest_host=dest_uri,
        downtime_ms=_stat(final, "downtime"), total_ms=_stat(final, "time_elapsed"),
        setup_ms=_stat(final, "setup_time"), transferred_bytes=_stat(final, "memory_processed"),
        ram_total_bytes=_stat(final, "memory_total"), dirty_sync_count=_stat(final, "memory_iteration"),
        source_pid=info.pid or 0, dest_pid=0, wall_ms=round(wall * 1000), uri=f"tcp://{host}",
        features=options.names(), postcopy_started=postcopy_started, passes=_stat(final, "memory_iteration") or 0)
