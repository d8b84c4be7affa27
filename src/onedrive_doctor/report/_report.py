"""The report model: findings plus where they came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..fixes import Safety, change_from_json
from ..model import ArticleStep, Finding, Fix, Severity, Status

__all__ = ["REPORT_SCHEMA_VERSION", "Report", "StepSummary", "report_from_json"]

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
    # The Windows the bundle came from (label, edition_id, bitness, build...), None if unknown.
    windows: Mapping[str, Any] | None = None

    @property
    def exit_code(self) -> int:
        """``1`` when any check failed with severity error, else ``0`` (docs/spec/cli.md)."""
        return 1 if any(f.is_error for f in self.findings) else 0

    def counts(self) -> dict[str, int]:
        """How many findings have each status."""
        counts = {status.value: 0 for status in Status}
        for finding in self.findings:
            counts[finding.status.value] += 1
        return counts

    @classmethod
    def from_json(cls, data: Any) -> Report:
        """The report ``render_json`` wrote, read back (:func:`report_from_json`)."""
        return report_from_json(data)

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


def report_from_json(data: Any) -> Report:
    """Read back what ``render_json`` wrote; ``ValueError`` names the first bad field.

    What the JSON report holds is all a renderer needs: reading it back and rendering it again
    gives the same text, so a saved report is as good as the run that made it.
    """
    if not isinstance(data, dict):
        raise ValueError("a report must be a JSON object")
    if data.get("schema_version") != REPORT_SCHEMA_VERSION:
        raise ValueError(f"report schema_version {data.get('schema_version')!r} is not supported")
    bundle = _obj(data.get("bundle"), "bundle")
    origin = bundle.get("origin")
    if not isinstance(origin, str):
        raise ValueError("bundle.origin is not a string")
    problems = _obj(bundle.get("problems") or {}, "bundle.problems")
    if not all(isinstance(v, str) for v in problems.values()):
        raise ValueError("bundle.problems holds a value that is not a string")
    manifest = {k: bundle[k] for k in ("created", "host") if bundle.get(k) is not None}
    raw = data.get("findings")
    if not isinstance(raw, list):
        raise ValueError("findings is not a list")
    findings = tuple(_finding(item, f"findings[{i}]") for i, item in enumerate(raw))
    error_code, note = data.get("error_code"), data.get("note")
    as_of, as_of_source = bundle.get("as_of"), bundle.get("as_of_source")
    for key, value in (
        ("error_code", error_code),
        ("note", note),
        ("bundle.as_of", as_of),
        ("bundle.as_of_source", as_of_source),
    ):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key} is not a string")
    notes = _obj(bundle.get("notes") or {}, "bundle.notes")
    if not all(isinstance(v, str) for v in notes.values()):
        raise ValueError("bundle.notes holds a value that is not a string")
    windows = _obj(data.get("verdict") or {}, "verdict").get("os")
    if windows is not None and not isinstance(windows, dict):
        raise ValueError("verdict.os is not an object")
    return Report(
        findings,
        origin,
        manifest or None,
        dict(problems),
        error_code=error_code,
        note=note,
        evidence_notes=dict(notes),
        as_of=as_of,
        as_of_source=as_of_source,
        windows=windows,
    )


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} is not an object")
    return value


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{where}.{key} is not a string")
    return value


def _finding(item: Any, where: str) -> Finding:
    data = _obj(item, where)
    try:
        step = ArticleStep(data.get("step"))
        status = Status(data.get("status"))
        severity = Severity(data["severity"]) if data.get("severity") is not None else None
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    evidence = _obj(data.get("evidence") or {}, f"{where}.evidence")
    fix = None
    if data.get("fix") is not None:
        raw = _obj(data["fix"], f"{where}.fix")
        raw_changes = raw.get("changes") or []
        if not isinstance(raw_changes, list):
            raise ValueError(f"{where}.fix.changes is not a list")
        flags = {k: raw.get(k, False) for k in ("needs_admin", "needs_restart")}
        if not all(isinstance(v, bool) for v in flags.values()):
            raise ValueError(f"{where}.fix: needs_admin / needs_restart are not true or false")
        try:
            changes = tuple(change_from_json(c) for c in raw_changes)
            safety = Safety(_text(raw, "safety", f"{where}.fix"))
        except ValueError as exc:
            raise ValueError(f"{where}.fix: {exc}") from None
        fix = Fix(_text(raw, "title", f"{where}.fix"), changes, safety=safety, **flags)
    return Finding(
        id=_text(data, "id", where),
        name=_text(data, "name", where),
        step=step,
        status=status,
        severity=severity,
        message=_text(data, "message", where),
        evidence=evidence,
        fix=fix,
    )
