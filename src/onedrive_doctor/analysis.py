"""``analyze``: bundle -> evidence -> findings -> report. Pure apart from reading the bundle."""

from __future__ import annotations

from pathlib import Path

from .bundle import open_bundle
from .checks import run_checks
from .evidence import build_evidence
from .report import Report

__all__ = ["analyze_bundle"]


def analyze_bundle(path: str | Path) -> Report:
    """Run every check on the bundle at ``path``; raises ``InputError`` if it cannot be read."""
    bundle = open_bundle(path)
    evidence = build_evidence(bundle)
    findings = tuple(run_checks(evidence))
    return Report(findings, bundle.origin, evidence.manifest, dict(evidence.problems))
