"""``collect``: gather this PC's evidence into a bundle folder (spec/bundle.md).

On Windows the registry keys are exported first (the proxies they name are what the network
probes then use); everywhere the network probes run unless switched off.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .bundle import BundleWriter

if TYPE_CHECKING:
    from .parsers.regfile import Registry
    from .probes.connectivity import NetworkOptions

__all__ = ["collect_bundle"]


def collect_bundle(
    target: str | Path,
    network: NetworkOptions | None,
    progress: Callable[[str], None] = lambda _: None,
) -> Path:
    """Write a bundle into ``target``; ``network=None`` skips the network probes."""
    writer = BundleWriter(target)
    registry: Registry | None = None
    if platform.system() == "Windows":  # pragma: no cover - live Windows only
        from .windows_collect import collect_windows

        progress("Reading the registry and Windows settings...")
        registry = collect_windows(writer)
    if network is not None:
        from .probes.connectivity import run_network_probes

        progress(f"Probing the network (up to {network.budget:g} s)...")
        probes = run_network_probes(_with_tenant(network, registry), registry)
        writer.write("probes.json", (json.dumps(probes, indent=2) + "\n").encode())
    writer.finish(network=network is not None)
    return writer.root


def _with_tenant(opts: NetworkOptions, registry: Registry | None) -> NetworkOptions:
    """Add the tenant's SharePoint host, which OneDrive's account keys name."""
    if registry is None:
        return opts
    import dataclasses

    from .endpoints import REQUIRED_ENDPOINTS, tenant_endpoints

    if opts.endpoints != REQUIRED_ENDPOINTS:
        return opts  # the user chose the endpoints
    accounts = r"HKCU\Software\Microsoft\OneDrive\Accounts"
    uris = [
        uri
        for name in registry.subkeys(accounts)
        if (uri := registry.string(f"{accounts}\\{name}", "ServiceEndpointUri"))
    ]
    return dataclasses.replace(opts, endpoints=opts.endpoints + tenant_endpoints(uris))
