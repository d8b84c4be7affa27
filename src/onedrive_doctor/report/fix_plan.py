r"""The fix plan as text, JSON and HTML (``onedrive-doctor fix``), and what ``--apply`` did.

Each step names its check, who runs it (an administrator for HKLM, the signed-in user for
HKCU), its safety (``safe``: ``--apply`` takes it; ``needs-confirmation``: only with ``--yes``;
``manual``: a person takes it), whether it needs a restart, the value before and after, and the
exact command line. Prose wraps at 100 columns; commands are never wrapped: each stands on its
own indented line exactly as it runs. Every value from a bundle goes through ``printable``
(text) or is escaped (HTML).
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..fixes.changes import DeleteKey, DeleteValue, ManualStep, Missing, RunCommand, SetValue
from ..fixes.plan import Plan, PlanStep
from ..fixes.render import command_line
from .console import printable

if TYPE_CHECKING:
    from ..fixes.engine import ApplyResult

__all__ = ["FIX_SCHEMA_VERSION", "render_plan_html", "render_plan_json", "render_plan_text"]

FIX_SCHEMA_VERSION = 1
_WIDTH = 100
_SHELLS = {"cmd": "Command Prompt", "powershell": "PowerShell", "sh": "Terminal"}


def _applies(step: PlanStep) -> str:
    if isinstance(step.change, ManualStep) or step.safety.value == "manual":
        return "manual"
    return "--apply" if step.safety.value == "safe" else "--apply --yes"


def _shown(data: object) -> str:
    if isinstance(data, Missing):
        return data.value
    if isinstance(data, bool):
        return str(data)
    if isinstance(data, int):
        return f"0x{data:X}" if data > 9 else str(data)
    if isinstance(data, bytes):
        return data.hex(",") or "(empty)"
    if isinstance(data, tuple):
        return ",".join(data) or "(empty list)"
    return repr(data)


def describe(step: PlanStep) -> str:
    """What the step does, in one sentence (values from the bundle shown as they are)."""
    change = step.change
    if isinstance(change, SetValue):
        return (
            f"Set {change.name} = {_shown(change.after)} at {change.full_key} (now: "
            f"{_shown(change.before)})."
        )
    if isinstance(change, DeleteValue):
        return (
            f"Delete {change.name} at {change.full_key} (now: {_shown(change.before)}), back "
            "to the Windows default."
        )
    if isinstance(change, DeleteKey):
        return f"Delete the key {change.full_key} with its subkeys."
    if isinstance(change, RunCommand):
        if change.undo:
            return (
                f"Run in {_SHELLS[change.shell.value]}; undo puts it back with the command below."
            )
        return f"Run in {_SHELLS[change.shell.value]} (no undo: {change.undo_why})."
    return change.text + (f" ({change.link})" if change.link else "")


def _flags(step: PlanStep) -> str:
    who = "administrator" if step.needs_admin else "signed-in user (not elevated)"
    parts = [step.safety.value, f"runs as {who}"]
    if step.needs_restart:
        parts.append("restart")
    return ", ".join(parts)


def render_plan_text(
    plan: Plan,
    origin: str,
    *,
    result: ApplyResult | None = None,
    failing: int = 0,
    unknown: int = 0,
) -> str:
    """The plan for a person: numbered steps, left-out checks, then what to do after."""
    out = _para(f"onedrive-doctor {__version__} — fix plan for {printable(origin)}", 0, 2)
    counts = {kind: sum(1 for s in plan.steps if _applies(s) == kind) for kind in
              ("--apply", "--apply --yes", "manual")}  # fmt: skip
    if not plan.steps:
        text = (
            "Nothing to change: no failing check has a local fix."
            if failing
            else "Nothing to change: no check failed."
        )
        if unknown:
            text += (
                f" {unknown} check(s) could not be checked, so this is not an all-clear "
                "(`onedrive-doctor analyze` says why)."
            )
        out.extend(_para(text, 0))
    else:
        out.extend(
            _para(
                f"{len(plan.steps)} step(s): {counts['--apply']} taken by `fix --apply`, "
                f"{counts['--apply --yes']} more with `--apply --yes` (they need confirmation), "
                f"{counts['manual']} manual. HKLM steps need an administrator; HKCU steps run as "
                "the signed-in user, not elevated (an elevated prompt of another account would "
                "change that account's settings).",
                0,
            )
        )
    for number, step in enumerate(plan.steps, 1):
        also = f" (also fixes {', '.join(step.also)})" if step.also else ""
        out.append("")
        out.append(f"{number:>2}. {step.check_id}{also} — {_flags(step)}")
        out.extend(_para(printable(describe(step)), 4))
        change = step.change
        if not isinstance(change, ManualStep):
            out.append("        " + printable(command_line(change)))
        if isinstance(change, RunCommand) and change.undo:
            out.append("    Undo:")
            out.append("        " + printable(change.undo))
    if plan.skipped:
        out.append("")
        out.append("Not planned:")
        for skipped in plan.skipped:
            out.extend(_para(f"{skipped.check_id}: {printable(skipped.reason)}", 2, 4))
    if plan.after:
        out.append("")
        out.append("After the steps:")
        for number, line in enumerate(plan.after, 1):
            out.extend(_para(f"{number}. {line}", 2, 5))
    if result is not None:
        out.append("")
        out.extend(_result_lines(result))
    return "\n".join(out) + "\n"


def _result_lines(result: ApplyResult) -> list[str]:
    lines = [
        f"Applied: {len(result.applied)} change(s); already as planned: {len(result.unchanged)}; "
        f"not applied: {len(result.not_applied)}; to run on the PC: {len(result.on_pc)}."
    ]
    for step in result.on_pc:
        lines.extend(_para(f"Runs on the PC, not on a bundle ({step.check_id}):", 2))
        lines.append("        " + printable(command_line(step.change)))  # type: ignore[arg-type]
    for step, why in result.not_applied:
        if not isinstance(step.change, ManualStep):
            lines.extend(_para(f"Not applied ({step.check_id}): {why}.", 2, 4))
    if result.journal_path is not None:
        path = printable(str(result.journal_path))
        lines.append(f"Journal: {path}")
        lines.append("Undo with:")
        lines.append(f'        onedrive-doctor undo "{path}"')
    return lines


def _para(text: str, indent: int, hang: int | None = None) -> list[str]:
    """Prose wrapped at 100 columns; a `command` span is never broken across lines."""
    hang = indent if hang is None else hang
    words = _atoms(text)
    lines: list[str] = []
    line = " " * indent
    start = True
    for word in words:
        if not start and len(line) + 1 + len(word) > _WIDTH:
            lines.append(line)
            line = " " * hang + word
            continue
        line = line + word if start else f"{line} {word}"
        start = False
    lines.append(line)
    return [ln.rstrip() for ln in lines]


def _atoms(text: str) -> list[str]:
    """Words, with each backquoted command (and what sticks to it) kept as one piece."""
    return _ATOM.findall(text) or [""]


_ATOM = re.compile(r"\S*`[^`]*`\S*|\S+")


def plan_json(
    plan: Plan,
    origin: str,
    *,
    result: ApplyResult | None = None,
    failing: list[str] | None = None,
) -> dict[str, Any]:
    """The plan as ``fix --format json`` prints it (stable keys, ``schema_version``)."""
    body = plan.to_json()
    for number, (step, data) in enumerate(zip(plan.steps, body["steps"], strict=True), 1):
        data["number"] = number
        data["applies"] = _applies(step)
        data["description"] = describe(step)
        change = step.change
        data["command"] = None if isinstance(change, ManualStep) else command_line(change)
    applied = None
    if result is not None:
        applied = {
            "journal": None if result.journal_path is None else str(result.journal_path),
            "applied": len(result.applied),
            "unchanged": len(result.unchanged),
            "not_applied": [{"check": s.check_id, "reason": why} for s, why in result.not_applied],
            "on_pc": [command_line(s.change) for s in result.on_pc],  # type: ignore[arg-type]
        }
    return {
        "schema_version": FIX_SCHEMA_VERSION,
        "tool": {"name": "onedrive-doctor", "version": __version__},
        "source": origin,
        "failing": list(failing or []),
        **body,
        "apply": applied,
    }


def render_plan_json(
    plan: Plan,
    origin: str,
    *,
    result: ApplyResult | None = None,
    failing: list[str] | None = None,
) -> str:
    """:func:`plan_json` as indented JSON."""
    doc = plan_json(plan, origin, result=result, failing=failing)
    return json.dumps(doc, indent=2, allow_nan=False) + "\n"


def render_plan_html(plan: Plan, origin: str, *, result: ApplyResult | None = None) -> str:
    """The plan as one self-contained page, in the report's shell and under its CSP."""
    from .html_report import _CSP, _CSS, _SCRIPT, _command, _linked

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(_CSP)}">',
        "<title>onedrive-doctor fix plan</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>onedrive-doctor {escape(__version__)}: fix plan</h1>",
        f'<p class="muted">Evidence: {escape(origin)}</p>',
    ]
    if not plan.steps:
        parts.append('<p class="verdict">Nothing to change.</p>')
    else:
        parts.append("<ol>")
        for step in plan.steps:
            also = f" (also fixes {', '.join(step.also)})" if step.also else ""
            parts.append(
                f'<li><div class="fix"><span class="id">{escape(step.check_id)}</span>'
                f'{escape(also)} <span class="muted">({escape(_flags(step))})</span>'
                f"<p>{_linked(describe(step))}</p>"
            )
            if not isinstance(step.change, ManualStep):
                parts.append(_command(command_line(step.change)))
            if isinstance(step.change, RunCommand) and step.change.undo:
                parts.append("<p>Undo:</p>" + _command(step.change.undo))
            parts.append("</div></li>")
        parts.append("</ol>")
    if plan.skipped:
        parts.append("<h2>Not planned</h2><ul>")
        parts.extend(
            f'<li><span class="id">{escape(s.check_id)}</span>: {_linked(s.reason)}</li>'
            for s in plan.skipped
        )
        parts.append("</ul>")
    if plan.after:
        parts.append("<h2>After the steps</h2><ol>")
        parts.extend(f"<li>{_linked(line)}</li>" for line in plan.after)
        parts.append("</ol>")
    if result is not None and result.journal_path is not None:
        parts.append(f"<p>Journal: <code>{escape(str(result.journal_path))}</code></p>")
        parts.append(_command(f'onedrive-doctor undo "{result.journal_path}"'))
    parts.append(f"<script>{_SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
