"""Outcomes the check families share: a bundle from another OS, missing network evidence."""

from __future__ import annotations

from ..evidence import Evidence, NetworkEvidence
from ..model import Outcome

__all__ = ["NO_WINDOWS_EVIDENCE", "network_evidence", "not_windows"]

NO_WINDOWS_EVIDENCE = "no Windows evidence in this bundle"


def not_windows(ev: Evidence) -> Outcome | None:
    """``not_applicable`` when the bundle says it comes from another OS, else ``None``."""
    host = ev.host_os
    if host is not None and host != "Windows" and ev.registry is None:
        return Outcome.not_applicable(f"a Windows check; this bundle comes from {host}")
    return None


def network_evidence(ev: Evidence, missing: str) -> NetworkEvidence | Outcome:
    """The bundle's network probes, or the ``unknown`` outcome saying why there are none."""
    if ev.network is not None:
        return ev.network
    problem = ev.problem("probes.json")
    if problem:
        return Outcome.unknown(f"unreadable evidence: {problem}")
    return Outcome.unknown(missing)
