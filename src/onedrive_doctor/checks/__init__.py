"""The check catalogue: one explicit registry from ID to check (spec/checks.md)."""

from __future__ import annotations

import sys
import traceback

from .._model import ArticleStep, Finding, Outcome, Severity, Status
from ..evidence import Evidence
from . import net
from ._base import DOC_SECTIONS, Check
from ._pending_catalogue import PENDING_CHECKS

__all__ = ["DOC_SECTIONS", "REGISTRY", "Check", "run_check", "run_checks"]

_NET_CHECKS = (
    Check(
        "NET001",
        "internet-unreachable",
        Severity.ERROR,
        ArticleStep.CONNECTIVITY,
        net.internet_unreachable,
    ),
    Check("NET002", "captive-portal", Severity.ERROR, ArticleStep.CONNECTIVITY, net.captive_portal),
    Check("NET003", "dns-failure", Severity.ERROR, ArticleStep.CONNECTIVITY, net.dns_failure),
    Check(
        "NET004",
        "endpoint-unreachable",
        Severity.ERROR,
        ArticleStep.CONNECTIVITY,
        net.endpoint_unreachable,
    ),
    Check("NET005", "proxy-failure", Severity.ERROR, ArticleStep.CONNECTIVITY, net.proxy_failure),
    Check("NET006", "clock-skew", Severity.ERROR, ArticleStep.CONNECTIVITY, net.clock_skew),
    Check(
        "NET007", "proxy-mismatch", Severity.WARNING, ArticleStep.CONNECTIVITY, net.proxy_mismatch
    ),
)

# Catalogue order: the article's order of causes, then ID.
REGISTRY: dict[str, Check] = {check.id: check for check in (*_NET_CHECKS, *PENDING_CHECKS)}


def run_check(check: Check, ev: Evidence) -> Finding:
    """Run one check; a bug inside a check becomes an ``unknown`` finding, never a crash."""
    try:
        outcome = check.run(ev)
    except Exception as exc:  # a check bug must not hide every other finding
        print(f"onedrive-doctor: internal error in {check.id}: {exc!r}", file=sys.stderr)
        traceback.print_exc(limit=3, file=sys.stderr)
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
    return [run_check(check, ev) for check in REGISTRY.values()]
