"""``collect``: gather a PC's evidence into a bundle folder (docs/spec/bundle.md).

The PC is a :class:`~onedrive_doctor.collect.hosts.Host` (this machine unless told otherwise).
On Windows the registry keys are exported first (the proxies they name are what the network
probes then use); everywhere the network probes run unless switched off.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle import BundleWriter

if TYPE_CHECKING:
    from ..bundle.redact import Redactor
    from ..probes.connectivity import NetworkOptions
    from ..registry.regfile import Registry
    from .hosts import Host

__all__ = ["collect_bundle"]


def collect_bundle(
    target: str | Path,
    network: NetworkOptions | None,
    progress: Callable[[str], None] = lambda _: None,
    redact: bool = False,
    host: Host | None = None,
    force: bool = False,
) -> Path:
    """Write a bundle of ``host`` into ``target``; ``network=None`` skips the network probes.

    ``host`` defaults to this machine (:func:`~onedrive_doctor.collect.hosts.default_host`).
    ``redact`` replaces user, tenant, device, host and domain names by placeholders (a bundle
    meant to be shared); the findings stay the same. The bundle is written to a temporary
    sibling folder and moved into ``target`` at the end; ``target`` must be missing, empty or
    an earlier bundle of this tool unless ``force`` (``bundle._place``).
    """
    from .hosts import default_host

    if host is None:
        host = default_host()
    writer = BundleWriter(target, force=force)
    try:
        _collect_into(writer, host, network, progress, redact)
    except BaseException:
        writer.abort()  # Ctrl-C or an error: nothing half-written is left in the target
        raise
    return writer.target


def _collect_into(
    writer: BundleWriter,
    host: Host,
    network: NetworkOptions | None,
    progress: Callable[[str], None],
    redact: bool,
) -> None:
    registry: Registry | None = None
    if host.system == "Windows":
        from .windows import collect_windows

        progress("Reading the registry and Windows settings...")
        registry = collect_windows(writer, host)
    if host.system in ("Windows", "Darwin"):
        from .onedrive_listing import onedrive_listing

        found = onedrive_listing(host)
        if found:
            writer.write(
                "onedrive.json", (json.dumps(found, indent=2, allow_nan=False) + "\n").encode()
            )
    if network is not None:
        from ..probes.connectivity import run_network_probes

        progress(f"Probing the network (up to {network.budget:g} s)...")
        opts = _with_tenant(network, registry)
        started = time.monotonic()
        probes = run_network_probes(opts, registry)
        writer.write("probes.json", (json.dumps(probes, indent=2, allow_nan=False) + "\n").encode())
        # The budget is the whole run's (docs/spec/cli.md): the replay gets what the probes
        # left, and none when they used it all (TLS001 then judges from the scans, or says
        # unknown).
        left = opts.budget - (time.monotonic() - started)
        if registry is not None and left > 0:
            _replay(writer, dataclasses.replace(opts, budget=left), progress)
    if redact:
        from ..bundle.redact import Redactor, redact_bundle

        # One redactor for the files and the manifest's error lines: the same placeholders.
        redactor = Redactor()
        progress(f"Redacted {redact_bundle(writer.root, redactor)} names and identifiers")
        _redact_attempts(writer, redactor)
    writer.finish(redacted=redact, network=network is not None, host=host.describe())


def _redact_attempts(writer: BundleWriter, redactor: Redactor) -> None:
    """The attempt records' error lines can name the user (a profile path): redact them too."""
    import dataclasses

    for attempt in writer.attempts:
        if attempt.error:
            redactor.learn(attempt.error)
    kept = [
        dataclasses.replace(a, error=redactor.apply(a.error) if a.error else None)
        for a in writer.attempts
    ]
    writer.replace_attempts(kept)


def _replay(writer: BundleWriter, opts: NetworkOptions, progress: Callable[[str], None]) -> None:
    """Replay this PC's own ClientHello to the endpoints (TLS001) into ``replay.json``."""
    from ..analysis import replay_for
    from ..bundle import open_bundle
    from ..evidence import build_evidence

    progress("Replaying this PC's TLS ClientHello to the endpoints...")
    # The routes are this PC's own, just probed: the replay goes the way OneDrive goes.
    replays = replay_for(build_evidence(open_bundle(writer.root)), opts, follow_routes=True)
    if replays is not None:
        writer.write(
            "replay.json", (json.dumps(replays, indent=2, allow_nan=False) + "\n").encode()
        )


def _with_tenant(opts: NetworkOptions, registry: Registry | None) -> NetworkOptions:
    """Add the tenant's SharePoint host, which OneDrive's account keys name."""
    if registry is None:
        return opts
    import dataclasses

    from ..knowledge.endpoints import REQUIRED_ENDPOINTS, tenant_endpoints

    if opts.endpoints != REQUIRED_ENDPOINTS:
        return opts  # the user chose the endpoints
    accounts = r"HKCU\Software\Microsoft\OneDrive\Accounts"
    uris = [
        uri
        for name in registry.subkeys(accounts)
        if (uri := registry.string(f"{accounts}\\{name}", "ServiceEndpointUri"))
    ]
    return dataclasses.replace(opts, endpoints=opts.endpoints + tenant_endpoints(uris))
