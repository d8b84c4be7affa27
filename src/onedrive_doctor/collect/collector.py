"""``collect``: gather this PC's evidence into a bundle folder (docs/spec/bundle.md).

On Windows the registry keys are exported first (the proxies they name are what the network
probes then use); everywhere the network probes run unless switched off.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle import BundleWriter

if TYPE_CHECKING:
    from ..probes.connectivity import NetworkOptions
    from ..registry.regfile import Registry

__all__ = ["collect_bundle"]


def collect_bundle(
    target: str | Path,
    network: NetworkOptions | None,
    progress: Callable[[str], None] = lambda _: None,
    redact: bool = False,
) -> Path:
    """Write a bundle into ``target``; ``network=None`` skips the network probes.

    ``redact`` replaces user, tenant, device, host and domain names by placeholders (a bundle
    meant to be shared); the findings stay the same.
    """
    writer = BundleWriter(target)
    registry: Registry | None = None
    if platform.system() == "Windows":  # pragma: no cover - live Windows only
        from .windows import collect_windows

        progress("Reading the registry and Windows settings...")
        registry = collect_windows(writer)
    if platform.system() in ("Windows", "Darwin"):
        from ..parsers.onedrive_client import live_onedrive_json

        found = live_onedrive_json()
        if found:
            writer.write("onedrive.json", (json.dumps(found, indent=2) + "\n").encode())
    if network is not None:
        from ..probes.connectivity import run_network_probes

        progress(f"Probing the network (up to {network.budget:g} s)...")
        opts = _with_tenant(network, registry)
        probes = run_network_probes(opts, registry)
        writer.write("probes.json", (json.dumps(probes, indent=2) + "\n").encode())
        if registry is not None:
            _replay(writer, opts, progress)
    if redact:
        from ..bundle.redact import redact_bundle

        progress(f"Redacted {redact_bundle(writer.root)} names and identifiers")
    writer.finish(redacted=redact, network=network is not None)
    return writer.root


def _replay(writer: BundleWriter, opts: NetworkOptions, progress: Callable[[str], None]) -> None:
    """Replay this PC's own ClientHello to the endpoints (TLS001) into ``replay.json``."""
    from ..analysis import replay_for
    from ..bundle import open_bundle
    from ..evidence import build_evidence

    progress("Replaying this PC's TLS ClientHello to the endpoints...")
    replays = replay_for(build_evidence(open_bundle(writer.root)), opts)
    if replays is not None:
        writer.write("replay.json", (json.dumps(replays, indent=2) + "\n").encode())


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
