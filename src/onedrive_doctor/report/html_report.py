"""The HTML report: one self-contained page (no scripts, no external files) to mail or attach.

Everything that comes from a bundle is escaped: a hostile bundle's values are text, never markup.
"""

from __future__ import annotations

from html import escape

from .._version import __version__
from ..model import Finding, Severity, Status
from ._report import Report

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
.step.unknown { border-color: #c19c00; } .step.na { border-color: #d0d0d0; color: #555; }
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
        f'<p class="muted">Evidence: {escape(report.origin)}</p>',
    ]
    if report.note:
        parts.append(f"<p><strong>{escape(report.note)}</strong></p>")
    if report.problems or report.evidence_notes:
        items = [
            f"<li>Unreadable file {escape(name)}: {escape(reason)}</li>"
            for name, reason in sorted(report.problems.items())
        ]
        items += [f"<li>{escape(note)}</li>" for _, note in sorted(report.evidence_notes.items())]
        parts.append(f'<ul class="evidence-files">{"".join(items)}</ul>')
    for summary in report.steps():
        word, css = _STATUS[summary.status]
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
    fails = [f for s in report.steps() for f in s.failing]
    if fails:
        parts.append("<h2>What to do, most important first</h2>")
        for number, finding in enumerate(fails, 1):
            parts.append(_fix_block(number, finding))
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


def _fix_block(number: int, finding: Finding) -> str:
    severity = (finding.severity or Severity.INFO).value
    lines = [
        f'<h3><span class="id {severity}">{number}. {escape(finding.id)}</span> '
        f"{escape(finding.name)} ({escape(severity)})</h3>",
        f"<p>{escape(finding.message)}</p>",
    ]
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
        if fix.steps:
            lines.append(
                "<ul>" + "".join(f"<li>{escape(step)}</li>" for step in fix.steps) + "</ul>"
            )
        lines.append("</div>")
    return "\n".join(lines)
