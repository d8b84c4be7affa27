"""The check catalogue: one explicit registry from ID to check (docs/spec/checks.md)."""

from __future__ import annotations

import dataclasses
import os
import sys
import traceback

from ..evidence import Evidence
from ..model import Finding, Outcome, Status
from ._base import DOC_SECTIONS, Check
from ._catalogue import CATALOGUE

__all__ = ["DOC_SECTIONS", "REGISTRY", "Check", "run_check", "run_checks"]


# Catalogue order: the article's order of causes, then ID.
REGISTRY: dict[str, Check] = {check.id: check for check in CATALOGUE}


def run_check(check: Check, ev: Evidence) -> Finding:
    """Run one check; a bug inside a check becomes an ``unknown`` finding, never a crash."""
    try:
        outcome = check.run(ev)
    except Exception as exc:  # a check bug must not hide every other finding
        print(f"onedrive-doctor: internal error in {check.id}: {exc!r}", file=sys.stderr)
        if os.environ.get("ONEDRIVE_DOCTOR_DEBUG"):
            traceback.print_exc(file=sys.stderr)
        outcome = Outcome.unknown(f"internal error in this check: {type(exc).__name__}: {exc}")
    severity = None
    if outcome.status is Status.FAIL:
        severity = outcome.severity or check.severity
    return Finding(
        id=check.id,
        name=check.name,
        step=check.step,
        status=outcome.status,
        severity=severity,
        message=outcome.message,
        evidence=dict(outcome.evidence),
        fix=outcome.fix if outcome.status is Status.FAIL else None,
    )


def run_checks(ev: Evidence) -> list[Finding]:
    """Every registered check's finding, in catalogue order."""
    findings = [run_check(check, ev) for check in REGISTRY.values()]
    return [_reset_only_if_unexplained(f, findings) for f in findings]


def _reset_only_if_unexplained(finding: Finding, findings: list[Finding]) -> Finding:
    """ODC002: the article's last step, advised only when no other check explains the error.

    Resetting OneDrive signs the user out and resyncs; while a failing check names the cause, the
    reset cannot help and only costs the user time (article, "All computers").
    """
    if finding.id != "ODC002" or finding.status is not Status.FAIL:
        return finding
    causes = [f.id for f in findings if f.is_error and f.id != "ODC002"]
    if not causes:
        return finding
    return dataclasses.replace(
        finding,
        status=Status.PASS,
        severity=None,
        message=(
            f"Not yet: {', '.join(causes[:4])}{' and others' if len(causes) > 4 else ''} "
            "explain the error; fix those first, and reset OneDrive only if it remains. "
            + finding.message
        ),
        evidence={**finding.evidence, "explained_by": causes},
        fix=None,
    )
