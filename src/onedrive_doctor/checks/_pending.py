"""Outcomes for checks whose evidence this version does not evaluate yet.

They never pass: a Windows check on a bundle from another OS is ``not_applicable``; otherwise the
result is ``unknown`` with the reason (missing evidence, an unreadable file, or evidence this
version does not read yet).
"""

from __future__ import annotations

from .._model import Outcome
from ..evidence import Evidence, NetworkEvidence

__all__ = ["NO_WINDOWS_EVIDENCE", "network_evidence", "not_windows", "pending"]

NO_WINDOWS_EVIDENCE = "no Windows evidence in this bundle"


def not_windows(ev: Evidence) -> Outcome | None:
    """``not_applicable`` when the bundle says it comes from another OS, else ``None``."""
    host = ev.host_os
    if host is not None and host != "Windows" and ev.registry is None:
        return Outcome.not_applicable(f"a Windows check; this bundle comes from {host}")
    return None


def pending(ev: Evidence, needs: tuple[str, ...], windows_only: bool = True) -> Outcome:
    """The outcome of a check whose evidence this version does not evaluate yet.

    ``needs`` are the bundle file prefixes it reads, e.g. ``registry/``, ``dsregcmd.txt``.
    """
    if windows_only:
        other_os = not_windows(ev)
        if other_os is not None:
            return other_os
    for prefix in needs:
        problem = ev.problem(prefix)
        if problem is not None:
            return Outcome.unknown(f"unreadable evidence: {problem}")
    present = sorted(name for name in ev.files if name.startswith(needs))
    if not present:
        wanted = ", ".join(needs)
        reason = NO_WINDOWS_EVIDENCE if windows_only else "no evidence for this check"
        return Outcome.unknown(f"{reason} (needs {wanted})")
    return Outcome.unknown(
        "this version of onedrive-doctor does not evaluate this evidence yet "
        f"({', '.join(present[:3])}{', ...' if len(present) > 3 else ''})"
    )


def network_evidence(ev: Evidence, missing: str) -> NetworkEvidence | Outcome:
    """The bundle's network probes, or the ``unknown`` outcome saying why there are none."""
    if ev.network is not None:
        return ev.network
    problem = ev.problem("probes.json")
    if problem:
        return Outcome.unknown(f"unreadable evidence: {problem}")
    return Outcome.unknown(missing)
