"""The JSON report (docs/spec/cli.md: ``schema_version``, ``tool`` and ``findings`` are stable)."""

from __future__ import annotations

import json
from typing import Any

from .._version import __version__
from ._priority import plan_fixes
from ._report import REPORT_SCHEMA_VERSION, Report
from ._verdict import verdict

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
        # Added in schema 1 (a new key is compatible): the verdict the text report opens with,
        # the detected Windows, and "What to do" in the order that unblocks sign-in.
        "verdict": {
            **verdict(report).to_json(),
            "os": dict(report.windows) if report.windows is not None else None,
            "plan": [
                {
                    "number": p.number,
                    "check": p.finding.id,
                    "same_as": p.same_as,
                    "moot_by": p.moot_by,
                    "note": p.note(),
                }
                for p in plan_fixes(report.findings)
            ],
        },
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
