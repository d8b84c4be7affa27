"""The HTML report: one self-contained page (no external files) to mail, attach or open on a phone.

Everything that comes from a bundle is escaped: a hostile bundle's values are text, never markup.
The only script is the inline copy-button handler below; the page's Content-Security-Policy
allows that one script by its SHA-256 hash and nothing else (no fetches, no frames, no images
from elsewhere), so even a value that escaped escaping could not run or call out.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

from .._version import __version__
from ..fixes.changes import Change, ManualStep
from ..fixes.render import command_line, render_step
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
/* Long registry paths, URLs and host names wrap instead of running off a 390 px phone. */
body { overflow-wrap: anywhere; word-break: break-word; padding: 0 .8em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.cmd { display: flex; gap: .5em; align-items: flex-start; background: #fff;
       border: 1px solid #ccc; padding: .3em .5em; margin: .3em 0; }
.cmd pre { flex: 1; min-width: 0; }
.copy { flex: none; font: inherit; font-size: .85em; }
"""

# Copies the command next to the button; the only script, allowed by hash in the CSP.
_SCRIPT = (
    "document.addEventListener('click',function(e){var b=e.target;"
    "if(!b.classList||!b.classList.contains('copy'))return;"
    "var t=b.parentNode.querySelector('pre').textContent;"
    "if(navigator.clipboard){navigator.clipboard.writeText(t).then(function(){"
    "b.textContent='Copied';},function(){});}});"
)
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)
# A step is "Run `command`" or prose with `command` spans (fixes/render.py); links are bare URLs.
_CODE = re.compile(r"`([^`]+)`")
_URL = re.compile(r"https?://[^\s<>\"'`]+[^\s<>\"'`.,;:)]")


def render_html(report: Report) -> str:
    """The report as a standalone HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(_CSP)}">',
        "<title>onedrive-doctor report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>onedrive-doctor {escape(__version__)}: why OneDrive says "
        f"{escape(report.error_code or '0x8004de40')}</h1>",
        f'<p class="muted">Evidence: {escape(report.origin)}</p>',
    ]
    found = verdict(report)
    parts.append(f'<p class="verdict">{escape(found.summary)}</p>')
    parts.append(f'<p class="muted">{escape(found.windows)}. {escape(found.collected)}.</p>')
    parts.append(f'<p class="muted">Evidence: {escape(report.origin)}</p>')
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
    parts.append(f"<script>{_SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _line(finding: Finding) -> str:
    severity = finding.severity.value if finding.severity is not None else "muted"
    return (
        f'<span class="id {severity}">{escape(finding.id)}</span> '
        f"{escape(finding.name)}: {_linked(finding.message)}"
    )


def _step_status(summary: StepSummary) -> tuple[str, str]:
    """A step whose failures are only warnings or info is a warning, not a red failure."""
    if summary.status is Status.FAIL and not any(
        f.severity is Severity.ERROR for f in summary.failing
    ):
        return "warning", "warn"
    return _STATUS[summary.status]


def _fix_block(planned: PlannedFix) -> str:
    finding, number = planned.finding, planned.number
    severity = (finding.severity or Severity.INFO).value
    lines = [
        f'<h3><span class="id {severity}">{number}. {escape(finding.id)}</span> '
        f"{escape(finding.name)} ({escape(severity)})</h3>",
        f"<p>{_linked(finding.message)}</p>",
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
            lines.append(
                "<ul>" + "".join(f"<li>{_change(change)}</li>" for change in fix.changes) + "</ul>"
            )
        lines.append("</div>")
    return "\n".join(lines)


def _change(change: Change) -> str:
    """One fix step as fixes/render.py words it, with its command line as a copyable block."""
    if isinstance(change, ManualStep):
        return _prose(render_step(change))
    line = command_line(change)
    before, _, after = (change.how or "{command}").partition("{command}")
    return _prose(before) + _command(line) + _prose(after)


def _command(line: str) -> str:
    return (
        f'<div class="cmd"><pre><code>{escape(line)}</code></pre>'
        '<button type="button" class="copy">Copy</button></div>'
    )


def _prose(text: str) -> str:
    """Prose: its `command` spans as copyable blocks, its http(s) URLs as links."""
    pieces = _CODE.split(text)
    return "".join(_command(p) if i % 2 else _linked(p) for i, p in enumerate(pieces))


def _linked(text: str) -> str:
    """Escaped ``text`` with http:// and https:// URLs as links (no other scheme is linked)."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        out.append(escape(text[last : match.start()]))
        out.append(f'<a href="{escape(url, quote=True)}" rel="noreferrer">{escape(url)}</a>')
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
