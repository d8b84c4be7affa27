# ruff: noqa: E501  (the PowerShell below keeps its lines whole, as a reader of the script sees them)
r"""``fix --export-ps1 FILE``: the plan as a PowerShell script that journals, applies and rolls back.

The script runs on Windows PowerShell 2.0 (Windows 7 SP1) and later. In order it:

1. refuses to start, changing nothing (exit 1), in a 32-bit PowerShell on a 64-bit Windows,
   without an elevated prompt when a step writes HKLM, or when a value it will touch cannot be
   read back exactly: it backs up (reads) every value first;
2. for each step, asks ``ShouldProcess`` (so ``-WhatIf`` lists the steps and changes nothing,
   ``-Confirm`` asks for each), re-reads the value, writes the journal entry "pending", makes
   the change, marks it "applied";
3. if a step fails, restores every step done, in reverse, marks the journal "rolled-back" and
   exits 4 with one line naming the step; exit 5 if the rollback itself did not finish (the
   journal holds the values: ``onedrive-doctor undo JOURNAL``);
4. prints the journal's path, the manual steps and what to do after; exits 0.

The journal is format v1 (:mod:`onedrive_doctor.fixes._ps_runtime` builds it as canonical
JSON), so ``onedrive-doctor undo`` reads it like one the Python engine wrote.
"""

from __future__ import annotations

from pathlib import Path

from .._version import __version__
from ..registry.regfile import RegData
from ._ps_runtime import canonical_json, ps_data, ps_string, runtime
from .changes import DeleteKey, DeleteValue, Hive, ManualStep, RunCommand, SetValue, ValueType
from .export_common import check_free, write_whole
from .plan import Plan
from .render import command_line, render_step

__all__ = ["export_ps1", "render_ps1", "step_table"]

_DOTNET_KIND = {
    ValueType.REG_SZ: "String",
    ValueType.REG_EXPAND_SZ: "ExpandString",
    ValueType.REG_BINARY: "Binary",
    ValueType.REG_DWORD: "DWord",
    ValueType.REG_MULTI_SZ: "MultiString",
    ValueType.REG_QWORD: "QWord",
}


def _ascii(text: str) -> str:
    r"""Text for a ``#`` comment: one line of ASCII, other characters as ``\u....``."""
    one_line = " ".join(text.splitlines())
    return one_line.encode("ascii", errors="backslashreplace").decode("ascii")


def journal_data(value_type: ValueType, data: RegData) -> object:
    """``data`` as the journal writes it (ints, strings, lists, lowercase hex)."""
    if isinstance(data, bytes):
        return data.hex()
    if isinstance(data, tuple):
        return list(data)
    return data


def after_json(change: SetValue | DeleteValue | DeleteKey) -> str:
    """The canonical JSON of a registry entry's ``after``."""
    if isinstance(change, SetValue):
        value = {
            "data": journal_data(change.value_type, change.after),
            "state": "present",
            "type": change.value_type.value,
        }
        return canonical_json(value)
    return canonical_json({"state": "absent"})


def _hashtable(fields: dict[str, str]) -> str:
    return "@{ " + "; ".join(f"{key} = {value}" for key, value in fields.items()) + " }"


def step_table(plan: Plan, hives: tuple[Hive, ...] = (Hive.HKLM, Hive.HKCU)) -> list[str]:
    """One PowerShell hashtable per registry change of ``hives`` and per command, in order.

    Commands go with the HKLM (machine, elevated) script when they need an administrator and
    with the HKCU one otherwise.
    """
    rows: list[str] = []
    for step in plan.steps:
        change = step.change
        fields = {
            "Check": ps_string(step.check_id),
            "Hive": "$null",
            "Path": "$null",
            "Name": "$null",
            "DotNetKind": "$null",
            "Data": "$null",
            "AfterJson": "$null",
            "Shell": "$null",
            "Command": "$null",
            "Undo": "$null",
            "Before": "$null",
            "Tree": "$null",
        }
        if isinstance(change, ManualStep):
            continue
        if isinstance(change, RunCommand):
            machine = change.needs_admin
            if (Hive.HKLM if machine else Hive.HKCU) not in hives:
                continue
            fields |= {
                "Kind": "'run-command'",
                "Shell": ps_string(change.shell.value),
                "Command": ps_string(change.command),
                "Undo": "$null" if change.undo is None else ps_string(change.undo),
                "Text": ps_string(f"({change.shell.value}) {change.command}"),
            }
        else:
            if change.hive not in hives:
                continue
            fields |= {
                "Kind": ps_string(change.kind),
                "Hive": ps_string(change.hive.value),
                "Path": ps_string(change.key),
                "AfterJson": ps_string(after_json(change)),
                "Text": ps_string(command_line(change)),
            }
            if isinstance(change, (SetValue, DeleteValue)):
                fields["Name"] = ps_string(change.name)
            if isinstance(change, SetValue):
                fields["DotNetKind"] = ps_string(_DOTNET_KIND[change.value_type])
                fields["Data"] = ps_data(change.value_type, change.after)
        rows.append(_hashtable(fields))
    return rows


def _list(items: list[str]) -> str:
    if not items:
        return "@()"
    return "@(\r\n" + ",\r\n".join(f"    {item}" for item in items) + "\r\n)"


def _needs_admin(plan: Plan, hives: tuple[Hive, ...]) -> bool:
    for step in plan.steps:
        change = step.change
        if isinstance(change, (SetValue, DeleteValue, DeleteKey)):
            if change.hive in hives and change.hive.needs_admin:
                return True
        elif isinstance(change, RunCommand) and change.needs_admin and Hive.HKLM in hives:
            return True
    return False


def manual_lines(plan: Plan) -> list[str]:
    """The manual steps (with their check) and the plan's closing instructions."""
    lines = [
        f"{step.check_id}: {render_step(step.change)}"
        for step in plan.steps
        if isinstance(step.change, ManualStep)
    ]
    return [*lines, *plan.after]


def render_ps1(
    plan: Plan,
    *,
    target_note: str,
    hives: tuple[Hive, ...] = (Hive.HKLM, Hive.HKCU),
    title: str = "fix --export-ps1",
) -> str:
    """The script's text (ASCII, CRLF) for the plan's steps of ``hives``."""
    steps = step_table(plan, hives)
    admin = _needs_admin(plan, hives)
    manual = [ps_string(line) for line in manual_lines(plan)]
    tool = canonical_json({"name": "onedrive-doctor", "version": __version__})
    header = [
        f"# Written by onedrive-doctor {__version__} ({title}).",
        f"# Plan made for: {_ascii(target_note)}",
        "# Runs on Windows PowerShell 2.0 (Windows 7 SP1) and later, in the 64-bit PowerShell.",
        "# -WhatIf lists the changes and makes none; -Confirm asks before each; -Verbose shows",
        "# the values read first. -JournalPath FILE: where the journal goes (default below).",
        "# Exit codes: 0 applied (or nothing to do), 1 did not start (nothing changed),",
        "# 4 a step failed and every step done was rolled back, 5 the rollback did not finish",
        "# (the journal holds the values: onedrive-doctor undo JOURNAL).",
        "# Undo later: onedrive-doctor undo JOURNAL (the journal is format v1).",
    ]
    if admin:
        header.append("# Needs an elevated prompt (HKLM values or commands that need an admin).")
    else:
        header.append(
            "# Run it as the signed-in user (HKCU values): not elevated as another admin."
        )
    journal_root = "$env:ProgramData" if admin else "$env:LOCALAPPDATA"
    body = _MAIN.format(
        steps=_list(steps),
        manual=_list(manual),
        admin="$true" if admin else "$false",
        tool=ps_string(tool),
        note=ps_string(target_note),
        journal_root=journal_root,
    )
    text = "\n".join(header) + "\n" + _PARAM + runtime() + body
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


_PARAM = r"""[CmdletBinding(SupportsShouldProcess=$true)]
param([string]$JournalPath = '')

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
"""

_MAIN = r"""
# --- the plan ---
$Steps = {steps}
$Manual = {manual}
$NeedsAdmin = {admin}
$ToolJson = {tool}

function Stop-Fix([int]$Code, [string]$Message) {{
    [Console]::Error.WriteLine('onedrive-doctor fix: ' + $Message)
    exit $Code
}}

Write-Host ('Plan made for: ' + {note})
if ($JournalPath -eq '') {{
    $stamp = [DateTime]::UtcNow.ToString('yyyyMMddTHHmmssZ', [System.Globalization.CultureInfo]::InvariantCulture)
    $JournalPath = Join-Path {journal_root} ('onedrive-doctor\journals\fix-' + $stamp + '.json')
}}
if ([IntPtr]::Size -eq 4 -and $env:PROCESSOR_ARCHITEW6432) {{
    Stop-Fix 1 'nothing changed: this is the 32-bit PowerShell; run the 64-bit one (%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe)'
}}
if ($NeedsAdmin -and -not $WhatIfPreference) {{
    $principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
    if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {{
        Stop-Fix 1 'nothing changed: run it from an elevated PowerShell (Run as administrator)'
    }}
}}

# Back up first: read every value the plan touches; one that cannot be read stops everything.
try {{
    foreach ($s in $Steps) {{
        if ($s.Kind -eq 'delete-key') {{ $s.Tree = Read-Tree $s.Hive $s.Path; Write-Verbose ('before: ' + $s.Hive + '\' + $s.Path + ' ' + (Format-TreeJson $s.Tree)) }}
        elseif ($s.Kind -ne 'run-command') {{ $s.Before = Read-Value $s.Hive $s.Path $s.Name; Write-Verbose ('before: ' + $s.Hive + '\' + $s.Path + ' ' + $s.Name + ' ' + (Format-ValueJson $s.Before)) }}
    }}
}} catch {{
    Stop-Fix 1 ('nothing changed: ' + $_.Exception.Message)
}}

$Journal = New-Journal $JournalPath $ToolJson
$Failed = $null
foreach ($s in $Steps) {{
    if ($s.Kind -eq 'run-command' -and $s.Shell -eq 'sh') {{ Write-Warning ('not for Windows, skipped: ' + $s.Text); continue }}
    if (-not $PSCmdlet.ShouldProcess($s.Text, $s.Check)) {{ continue }}
    $e = @{{ Index = $Journal.Entries.Count; Kind = $s.Kind; Check = $s.Check; Key = $null; Name = $s.Name; AfterJson = $s.AfterJson; Before = $null; Tree = @(); Status = 'pending'; Command = $s.Command; Shell = $s.Shell; Undo = $s.Undo; Output = $null; Step = $s }}
    try {{
        if ($s.Kind -ne 'run-command') {{ $e.Key = $s.Hive + '\' + $s.Path }}
        if ($s.Kind -eq 'delete-key') {{ $e.Tree = Read-Tree $s.Hive $s.Path }}
        elseif ($s.Kind -ne 'run-command') {{ $e.Before = Read-Value $s.Hive $s.Path $s.Name }}
        [void]$Journal.Entries.Add($e)
        $Journal.Path = $Journal.Wanted
        Save-Journal $Journal
        if ($s.Kind -eq 'set-value') {{ Set-Kind $s.Hive $s.Path $s.Name $s.DotNetKind $s.Data }}
        elseif ($s.Kind -eq 'delete-value') {{ Remove-Value $s.Hive $s.Path $s.Name }}
        elseif ($s.Kind -eq 'delete-key') {{ Remove-Tree $s.Hive $s.Path }}
        else {{ $e.Output = [string](Invoke-Line $s.Shell $s.Command) }}
        $e.Status = 'applied'
        Save-Journal $Journal
    }} catch {{
        $Failed = 'step ' + ($e.Index + 1) + ' (' + $s.Check + ': ' + $s.Text + ') failed: ' + $_.Exception.Message
        break
    }}
}}

if ($null -ne $Failed) {{
    $complete = $true
    for ($i = $Journal.Entries.Count - 1; $i -ge 0; $i--) {{
        $e = $Journal.Entries[$i]
        try {{
            if ($e.Kind -eq 'run-command') {{
                if ($null -ne $e.Undo) {{ [void](Invoke-Line $e.Shell $e.Undo) }}
                elseif ($e.Status -eq 'applied') {{ throw 'the command has no undo' }}
            }}
            elseif ($e.Kind -eq 'delete-key') {{ Restore-Tree $e.Step.Hive $e.Tree }}
            else {{ Write-Value $e.Step.Hive $e.Step.Path $e.Name $e.Before }}
            $e.Status = 'rolled-back'
        }} catch {{
            $complete = $false
            [Console]::Error.WriteLine('onedrive-doctor fix: could not roll back step ' + ($e.Index + 1) + ': ' + $_.Exception.Message)
        }}
    }}
    if ($complete) {{ $Journal.State = 'rolled-back' }}
    Save-Journal $Journal
    if (-not $complete) {{ Stop-Fix 5 ($Failed + '; the rollback did not finish: onedrive-doctor undo "' + $Journal.Path + '"') }}
    Stop-Fix 4 ($Failed + '; every step done was rolled back, nothing is left changed')
}}

if ($Journal.Entries.Count -gt 0) {{
    $Journal.State = 'applied'
    Save-Journal $Journal
    Write-Host ('Applied ' + $Journal.Entries.Count + ' step(s). Journal: ' + $Journal.Path)
    Write-Host ('To undo: onedrive-doctor undo "' + $Journal.Path + '"')
}} else {{
    Write-Host 'Nothing changed.'
}}
foreach ($m in $Manual) {{ Write-Host ('Then: ' + $m) }}
exit 0
"""


def export_ps1(
    plan: Plan, path: str | Path, *, target_note: str, force: bool = False
) -> tuple[Path, ...]:
    """Write the script to ``path``; return ``(path,)``.

    Raises ``ExportError`` (an ``InputError``, exit 3) when ``path`` exists and ``force`` is not
    given.
    """
    target = Path(path)
    check_free(target, force=force)
    write_whole(target, render_ps1(plan, target_note=target_note).encode("ascii"))
    return (target,)
