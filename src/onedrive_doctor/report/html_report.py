"""The HTML report: one self-contained page (no scripts, no external files) to mail or attach.

Everything that comes from a bundle is escaped: a hostile bundle's values are text, never markup.
"""

from __future__ import annotations

from html import escape

from .._version import __version__
from ..fixes import Change, ManualStep
from ..fixes.render import command_line
from ..model import Finding, Severity, Status
from ._priority import PlannedFix, plan_fixes
from ._report import Report, StepSummary
from ._verdict import verdict

__all__ = ["render_html"]

_STATUS = {
    Status.PASS: ("ok", "pass"),
    Status.FAIL: ("problem found", "fail"),
    Status.UNKNOWN: ("could not be checked", "unknown"),
    Status.NOT_APPLICABLE: ("does not apply", "na"),
}

_CSS = """
body { font-family: Segoe UI, system-ui, sans-serif; margin: 2em auto; max-width: 60em;
       color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
.step { border-left: 6px solid #aaa; padding: .3em .8em; margin: .6em 0; }
.step.fail { border-color: #c50f1f; } .step.pass { border-color: #107c10; }
.step.unknown, .step.warn { border-color: #c19c00; }
.verdict { font-size: 1.1em; font-weight: 600; }
pre { background: #fff; padding: .3em .5em; overflow-x: auto; white-space: pre; }
.step.na { border-color: #d0d0d0; color: #555; }
.id { font-family: Consolas, monospace; font-weight: 600; }
.error { color: #c50f1f; } .warning { color: #8a6100; } .info { color: #0f6cbd; }
.fix { background: #f5f5f5; padding: .5em .8em; margin: .4em 0 1em; }
code { font-family: Consolas, monospace; }
.muted { color: #666; font-size: .92em; }
"""


def render_html(report: Report) -> str:
    """The report as a standalone HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>onedrive-doctor report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>onedrive-doctor {escape(__version__)}: why OneDrive says 0x8004de40</h1>",
    ]
    found = verdict(report)
    parts.append(f'<p class="verdict">{escape(found.summary)}</p>')
    parts.append(f'<p class="muted">{escape(found.windows)}. {escape(found.collected)}.</p>')
    parts.append(f'<p class="muted">Evidence: {escape(report.origin)}</p>')
    if report.note:
        parts.append(f"<p><strong>{escape(report.note)}</strong></p>")
    for summary in report.steps():
        word, css = _step_status(summary)
        parts.append(
            f'<div class="step {css}"><strong>{escape(summary.step.label)}</strong>: {escape(word)}'
        )
        shown = [
            f
            for f in summary.findings
            if f.status in (Status.FAIL, Status.UNKNOWN)
            or (summary.status is Status.NOT_APPLICABLE and f is summary.findings[0])
        ]
        parts.extend(f"<br>{_line(finding)}" for finding in shown)
        parts.append("</div>")
    plan = plan_fixes(report.findings)
    if plan:
        parts.append("<h2>What to do, most important first</h2>")
        parts.extend(_fix_block(planned) for planned in plan)
    counts = report.counts()
    parts.append(
        f'<p class="muted">{counts["fail"]} failed, {counts["pass"]} passed, '
        f"{counts['unknown']} unknown, {counts['not_applicable']} not applicable. "
        "Details of a check: <code>onedrive-doctor checks ID</code></p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _line(finding: Finding) -> str:
    severity = finding.severity.value if finding.severity is not None else "muted"
    return (
        f'<span class="id {severity}">{escape(finding.id)}</span> '
        f"{escape(finding.name)}: {escape(finding.message)}"
    )


def _step_status(summary: StepSummary) -> tuple[str, str]:
    """A step whose failures are only warnings or info is a warning, not a red failure."""
    if summary.status is Status.FAIL and not any(
        f.severity is Severity.ERROR for f in summary.failing
    ):
        return "warning", "warn"
    return _STATUS[summary.status]


def _change_html(change: Change) -> str:
    """A change as prose with its command or link in a block of its own, exactly as it runs."""
    if isinstance(change, ManualStep):
        link = f"<pre>{escape(change.link)}</pre>" if change.link else ""
        return f"<li>{escape(change.text)}{link}</li>"
    line = f"<pre>{escape(command_line(change))}</pre>"
    if change.how is None or "{command}" not in change.how:
        return f"<li>{escape(change.how)}</li>" if change.how else f"<li>{line}</li>"
    before, _, after = change.how.partition("{command}")
    return f"<li>{escape(before.strip())}{line}{escape(after.strip())}</li>"


def _fix_block(planned: PlannedFix) -> str:
    finding, number = planned.finding, planned.number
    severity = (finding.severity or Severity.INFO).value
    lines = [
        f'<h3><span class="id {severity}">{number}. {escape(finding.id)}</span> '
        f"{escape(finding.name)} ({escape(severity)})</h3>",
        f"<p>{escape(finding.message)}</p>",
    ]
    note = planned.note()
    if note is not None:
        lines.append(f"<p><strong>{escape(note)}</strong></p>")
    fix = finding.fix
    if fix is not None:
        needs = [
            w
            for flag, w in ((fix.needs_admin, "admin rights"), (fix.needs_restart, "a restart"))
            if flag
        ]
        extra = f" — needs {' and '.join(needs)}" if needs else ""
        lines.append(
            f'<div class="fix"><strong>Fix:</strong> {escape(fix.title)} '
            f'<span class="muted">({escape(fix.safety)}{escape(extra)})</span>'
        )
        if fix.changes and planned.same_as is None:
            lines.append("<ul>" + "".join(_change_html(c) for c in fix.changes) + "</ul>")
        lines.append("</div>")
    return "\n".join(lines)
