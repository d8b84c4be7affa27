"""``analyze``: bundle -> evidence -> findings -> report.

Pure apart from reading the bundle and, with ``live``, replaying the PC's ClientHello to the
endpoints (TLS001).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bundle import open_bundle
from .checks import run_checks
from .evidence import Evidence, build_evidence
from .report import Report

if TYPE_CHECKING:
    from .probes.connectivity import NetworkOptions
    from .windows.client_model import ClientProfile

__all__ = ["analyze_bundle", "replay_for", "replay_profile"]


def analyze_bundle(path: str | Path, live: NetworkOptions | None = None) -> Report:
    """Run every check on the bundle at ``path``; raises ``InputError`` if it cannot be read.

    ``live``: replay the PC's own ClientHello to the endpoints first (``analyze --live``).
    """
    bundle = open_bundle(path)
    evidence = build_evidence(bundle)
    if live is not None:
        replays = replay_for(evidence, live)
        if replays is not None:
            # The bundle plus this replay.json, analysed like any other bundle: evidence is
            # built one way only, from files.
            replay_json = (json.dumps(replays, indent=2, allow_nan=False) + "\n").encode()
            evidence = build_evidence(bundle.derive({"replay.json": replay_json}))
    findings = tuple(run_checks(evidence))
    return Report(
        findings,
        bundle.origin,
        evidence.manifest,
        dict(evidence.problems),
        evidence_notes=dict(evidence.notes),
        as_of=evidence.as_of.isoformat(timespec="seconds"),
        as_of_source=evidence.as_of_source,
        windows=detected_windows(evidence),
    )


def detected_windows(evidence: Evidence) -> dict[str, Any] | None:
    """The Windows the bundle's CurrentVersion export names, for the report's verdict."""
    found = evidence.os_version.value  # parsed once, with the rest of the evidence
    if found is None:
        return None
    return {
        "label": found.label,
        "product_name": found.product_name,
        "build": found.build,
        "ubr": found.ubr,
        "display_version": found.display_version,
        "edition_id": found.edition_id,
        "bitness": found.bitness,
    }


def replay_for(
    evidence: Evidence, opts: NetworkOptions, *, follow_routes: bool = False
) -> dict[str, Any] | None:
    """Replay the ClientHello the bundle's PC would send to each endpoint (``replay.json``).

    ``None`` when the bundle does not say enough about the PC's Windows to rebuild it.
    ``follow_routes``: go through the proxies the bundle's own probes used. Only ``collect``
    sets it, on the PC that just wrote those probes; a bundle read anywhere else is hostile
    input, so ``analyze --live`` uses this machine's settings and ``--proxy`` and only shows
    the bundle's route in each replay (``bundle_route``).
    """
    profile = evidence.profile.value
    if profile is None or not profile.offered_protocols:
        return None
    routes = _probe_routes(evidence)
    if follow_routes and not opts.proxy:
        return replay_profile(profile, opts, _parsed_routes(routes))
    replays = replay_profile(profile, opts)
    for attempt in replays["attempts"]:
        route = routes.get(attempt.get("target", ""))
        if route and isinstance(attempt.get("result"), dict) and attempt["result"]:
            attempt["result"]["bundle_route"] = route
    return replays


def _probe_routes(evidence: Evidence) -> dict[str, str]:
    """Per endpoint, the proxy the bundle's connectivity probe reached it through (as written)."""
    if evidence.network is None:
        return {}
    return {a.target: a.via for a in evidence.network.of("tcp") if a.via}


def _parsed_routes(routes: dict[str, str]) -> dict[str, Any]:
    from .probes.proxy import parse_proxy

    parsed: dict[str, Any] = {}
    for target, via in routes.items():
        try:
            parsed[target] = parse_proxy(via, "the probe's route")
        except ValueError:
            continue
    return parsed


def replay_profile(
    profile: ClientProfile,
    opts: NetworkOptions,
    routes: dict[str, Any] | None = None,
    spec_for: Any = None,
) -> dict[str, Any]:
    """Replay ``profile``'s ClientHello to ``opts.endpoints``; the ``replay.json`` body.

    ``spec_for`` (``host -> ClientHelloSpec``) replaces the default hello builder: ``simulate``
    passes one with a fixed random so that the hello it shows is the one sent.
    """
    from .probes.proxy import parse_proxy
    from .probes.replay import replay_all
    from .probes.tls_scan import ScanOptions
    from .windows.offer import client_hello_spec

    proxy = parse_proxy(opts.proxy, "--proxy") if opts.proxy else None
    scan_opts = ScanOptions(
        timeout=opts.timeout, budget=opts.budget, proxy=proxy, resolve=opts.resolve
    )
    if spec_for is None:
        spec_for = lambda host: client_hello_spec(profile, host)  # noqa: E731
    return replay_all(opts.endpoints, spec_for, scan_opts, routes)
