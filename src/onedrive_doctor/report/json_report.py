"""The JSON report (docs/spec/cli.md: ``schema_version``, ``tool`` and ``findings`` are stable)."""

from __future__ import annotations

import json
from typing import Any

from .._version import __version__
from ._report import REPORT_SCHEMA_VERSION, Report

__all__ = ["render_json", "report_json"]


def report_json(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    manifest = dict(report.manifest or {})
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": "onedrive-doctor", "version": __version__},
        "bundle": {
            "origin": report.origin,
            "created": manifest.get("created"),
            "host": manifest.get("host"),
            "problems": dict(report.problems),
            "notes": dict(report.evidence_notes),
            "as_of": report.as_of,
            "as_of_source": report.as_of_source,
        },
        "summary": {**report.counts(), "exit_code": report.exit_code},
        "error_code": report.error_code,
        "note": report.note,
        "steps": [
            {
                "step": summary.step.value,
                "title": summary.step.label,
                "status": summary.status.value,
                "checks": [f.id for f in summary.findings],
            }
            for summary in report.steps()
        ],
        "findings": [finding.to_json() for finding in report.findings],
    }


def render_json(report: Report) -> str:
    """The report as indented JSON text."""
    return json.dumps(report_json(report), indent=2, default=str, allow_nan=False) + "\n"
