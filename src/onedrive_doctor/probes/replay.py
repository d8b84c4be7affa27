"""Replay a rebuilt Windows ClientHello to an endpoint and record what the endpoint answers.

This is TLS001's evidence: not "could some TLS client connect" but "does the endpoint accept
the exact offer this PC's Schannel makes". The hello is sent once (through the proxy in force
when there is one); the answer is a ServerHello (which protocol and suite), an alert, or silence.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..knowledge.endpoints import Endpoint
from ..tls import AlertDescription, ClientHelloSpec, build_client_hello, name_of
from ..tls.suites import SUITES
from ._tasks import gather_all, wait_for
from .attempt import AttemptStatus, ProbeAttempt
from .tls_scan import ScanError, Scanner, ScanOptions, ScanTarget

__all__ = ["REPLAY_SCHEMA_VERSION", "replay_all", "replay_one"]

REPLAY_SCHEMA_VERSION = 1


async def replay_one(target: ScanTarget, spec: ClientHelloSpec, opts: ScanOptions) -> ProbeAttempt:
    """Send the PC's ClientHello to ``target``; the attempt's result says what came back."""
    started = time.monotonic()
    where = f"{target.host}:{target.port}"
    via = opts.proxy.url if opts.proxy is not None else None
    scanner = Scanner(target, opts)
    try:
        exchange = await scanner.exchange(build_client_hello(spec), lambda ex: ex.hello is not None)
    except ScanError as exc:
        return ProbeAttempt(
            "replay", where, AttemptStatus.FAILED, str(exc), time.monotonic() - started, via
        )
    result: dict[str, Any] = {"address": scanner.address}
    hello = exchange.hello
    if hello is not None:
        version = hello.selected_version
        result.update(
            accepted=True,
            protocol=version.label if hasattr(version, "label") else f"0x{int(version):04X}",
            cipher_suite=SUITES[hello.cipher_suite].name
            if hello.cipher_suite in SUITES
            else f"0x{hello.cipher_suite:04X}",
            hello_retry_request=hello.is_hello_retry_request,
        )
        return ProbeAttempt(
            "replay", where, AttemptStatus.OK, None, time.monotonic() - started, via, result
        )
    if exchange.alert is not None:
        alert = name_of(AlertDescription, exchange.alert.description)
        result.update(accepted=False, alert=alert)
        return ProbeAttempt(
            "replay", where, AttemptStatus.OK, None, time.monotonic() - started, via, result
        )
    status = AttemptStatus.TIMEOUT if exchange.timed_out else AttemptStatus.OK
    result.update(accepted=False, closed=exchange.closed or "no answer")
    return ProbeAttempt(
        "replay",
        where,
        status,
        exchange.closed if exchange.timed_out else None,
        time.monotonic() - started,
        via,
        result,
    )


async def _replay_all(
    endpoints: Sequence[Endpoint],
    spec_for: Any,
    opts: ScanOptions,
    routes: Mapping[str, Any],
) -> list[ProbeAttempt]:
    jobs = []
    for endpoint in endpoints:
        address = opts.resolve.get((endpoint.host.lower(), endpoint.port))
        target = ScanTarget(endpoint.host, endpoint.port, address)
        # The same way out as OneDrive: the proxy the connectivity probe used for this endpoint.
        route = routes.get(endpoint.address, opts.proxy)
        jobs.append(replay_one(target, spec_for(endpoint.host), replace(opts, proxy=route)))
    try:
        return list(await wait_for(gather_all(*jobs), opts.budget))
    except asyncio.TimeoutError:
        return [
            ProbeAttempt(
                "replay",
                e.address,
                AttemptStatus.TIMEOUT,
                f"stopped: the time budget of {opts.budget:g} s ran out",
            )
            for e in endpoints
        ]


def replay_all(
    endpoints: Sequence[Endpoint],
    spec_for: Any,
    opts: ScanOptions,
    routes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Replay to every endpoint (``spec_for(host)`` builds the hello); the ``replay.json`` body."""
    attempts = asyncio.run(_replay_all(endpoints, spec_for, opts, routes or {}))
    return {
        "schema_version": REPLAY_SCHEMA_VERSION,
        "attempts": [attempt.to_json() for attempt in attempts],
    }
