"""The report model: findings plus where they came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import ArticleStep, Finding, Severity, Status

__all__ = ["REPORT_SCHEMA_VERSION", "Report", "StepSummary"]

REPORT_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class StepSummary:
    """How one step of the article came out: its worst finding decides."""

    step: ArticleStep
    status: Status
    findings: tuple[Finding, ...]

    @property
    def failing(self) -> tuple[Finding, ...]:
        """The failing findings of this step, errors first."""
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        fails = [f for f in self.findings if f.status is Status.FAIL]
        return tuple(sorted(fails, key=lambda f: order[f.severity or Severity.INFO]))


@dataclass(frozen=True)
class Report:
    """Everything a renderer needs."""

    findings: tuple[Finding, ...]
    origin: str
    manifest: Mapping[str, Any] | None = None
    problems: Mapping[str, str] = field(default_factory=dict)
    error_code: str | None = None  # diagnose --error: the code the report is focused on
    note: str | None = None  # one line shown above the findings
    # What files show besides their values (a key reg.exe said is absent, a re-encoded file).
    evidence_notes: Mapping[str, str] = field(default_factory=dict)
    as_of: str | None = None  # when the evidence was collected: the date the checks judged by
    as_of_source: str | None = None

    @property
    def exit_code(self) -> int:
        """``1`` when any check failed with severity error, else ``0`` (spec/cli.md)."""
        return 1 if any(f.is_error for f in self.findings) else 0

    def counts(self) -> dict[str, int]:
        """How many findings have each status."""
        counts = {status.value: 0 for status in Status}
        for finding in self.findings:
            counts[finding.status.value] += 1
        return counts

    def steps(self) -> list[StepSummary]:
        """One summary per article step, in the article's order."""
        summaries = []
        for step in ArticleStep:
            found = tuple(f for f in self.findings if f.step is step)
            summaries.append(StepSummary(step, _worst(found), found))
        return summaries


def _worst(findings: tuple[Finding, ...]) -> Status:
    statuses = {f.status for f in findings}
    # A step with a check that could not run is not "ok", even if another check passed.
    for status in (Status.FAIL, Status.UNKNOWN, Status.PASS):
        if status in statuses:
            return status
    return Status.NOT_APPLICABLE
