# ruff: noqa: E501  (the PowerShell below keeps its lines whole, as a reader of the script sees them)
r"""``fix --export-intune DIR``: the plan as Intune Remediations script packages.

Intune Remediations (https://learn.microsoft.com/mem/intune/fundamentals/remediations) run a
detection script and, when it exits 1, the remediation script; the detection's last line of
output (at most 2,048 characters) is what the admin sees. The scripts run as SYSTEM unless
"Run this script using the logged-on credentials" is set, and as SYSTEM, HKCU is the SYSTEM
account's own hive: so the machine changes (HKLM, and commands that need an administrator) and
the user's changes (HKCU, and the other commands) are two packages:

- ``DIR/detect.ps1``, ``DIR/remediate.ps1``, ``DIR/rollback.ps1``: run as system;
- ``DIR/user/detect.ps1``, ``DIR/user/remediate.ps1``, ``DIR/user/rollback.ps1``: run with the
  logged-on credentials;
- ``DIR/README.txt``: how to deploy each, and the steps no script can take.

Both run in 64-bit PowerShell ("Run script in 64-bit PowerShell": Yes): a 32-bit one would read
and write the WOW6432Node view of HKLM\SOFTWARE (registry redirection), so the scripts refuse it.
Detection exits 1 when a value differs from the plan's, or when it cannot be read (never a false
"fixed"), or while a command of the package has no journal that records it applied; 0 when all
match; it prints one line of JSON. Remediation is the ``.ps1`` export's
script for the package's steps (journal first, rollback on failure, exit 4). Rollback restores
the latest journal the remediation wrote on the device, after checking its checksum and that it
belongs to this PC. All files are ASCII, so UTF-8 without a BOM as Intune wants them.
"""

from __future__ import annotations

from pathlib import Path

from .._version import __version__
from ._ps_runtime import ps_string, runtime
from .changes import DeleteKey, DeleteValue, Hive, RunCommand, SetValue
from .export_common import check_free_folder, other_steps, write_whole
from .export_ps1 import after_json, manual_lines, render_ps1
from .plan import Plan
from .render import command_line

__all__ = ["MAX_DETECTION_OUTPUT", "export_intune", "render_detect", "render_rollback"]

#: Intune keeps this many characters of a detection script's output.
MAX_DETECTION_OUTPUT = 2048

_MACHINE = (Hive.HKLM,)
_USER = (Hive.HKCU,)


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _checks(plan: Plan, hives: tuple[Hive, ...]) -> list[str]:
    rows = []
    for step in plan.steps:
        change = step.change
        if isinstance(change, (SetValue, DeleteValue, DeleteKey)) and change.hive in hives:
            name = (
                ps_string(change.name) if isinstance(change, (SetValue, DeleteValue)) else "$null"
            )
            rows.append(
                "@{ "
                + "; ".join(
                    [
                        f"Check = {ps_string(step.check_id)}",
                        f"Kind = {ps_string(change.kind)}",
                        f"Hive = {ps_string(change.hive.value)}",
                        f"Path = {ps_string(change.key)}",
                        f"Name = {name}",
                        f"Want = {ps_string(after_json(change))}",
                        f"Text = {ps_string(command_line(change))}",
                    ]
                )
                + " }"
            )
    return rows


def _has(plan: Plan, hives: tuple[Hive, ...]) -> bool:
    for step in plan.steps:
        change = step.change
        if isinstance(change, (SetValue, DeleteValue, DeleteKey)) and change.hive in hives:
            return True
        if (
            isinstance(change, RunCommand)
            and (Hive.HKLM if change.needs_admin else Hive.HKCU) in hives
        ):
            return True
    return False


def render_detect(plan: Plan, hives: tuple[Hive, ...]) -> str:
    """The detection script: exit 1 (and one JSON line) while a value differs from the plan."""
    root = "$env:ProgramData" if Hive.HKLM in hives else "$env:LOCALAPPDATA"
    commands = [
        f"@{{ Check = {ps_string(step.check_id)}; Command = {ps_string(step.change.command)} }}"
        for step in plan.steps
        if isinstance(step.change, RunCommand)
        and step.change.shell.value != "sh"
        and (Hive.HKLM if step.change.needs_admin else Hive.HKCU) in hives
    ]
    return _crlf(
        _DETECT_HEAD.format(version=__version__)
        + runtime()
        + _DETECT.format(
            checks=_array(_checks(plan, hives)),
            commands=_array(commands),
            limit=MAX_DETECTION_OUTPUT - 48,
            root=root,
        )
    )


def _array(rows: list[str]) -> str:
    return "@()" if not rows else "@(\n" + ",\n".join(f"    {row}" for row in rows) + "\n)"


def render_rollback(hives: tuple[Hive, ...]) -> str:
    """The rollback script: restore the latest journal this package's remediation wrote."""
    root = "$env:ProgramData" if Hive.HKLM in hives else "$env:LOCALAPPDATA"
    return _crlf(
        _ROLLBACK_HEAD.format(version=__version__) + runtime() + _ROLLBACK.format(root=root)
    )


def _readme(plan: Plan, machine: bool, user: bool) -> str:
    lines = [
        f"onedrive-doctor {__version__}: Intune Remediations for this fix plan",
        "",
        "Create one script package (Devices > Scripts and remediations > Remediations > Create)",
        "for each folder below. In each: Run script in 64-bit PowerShell = Yes (the scripts",
        "refuse the 32-bit one, which sees the WOW6432Node view of HKLM\\SOFTWARE), Enforce",
        "script signature check = No unless you sign them. The files are UTF-8 without a BOM.",
        "",
    ]
    if machine:
        lines += [
            "1. This folder (machine: HKLM values, commands that need an administrator):",
            "   Detection script file: detect.ps1   Remediation script file: remediate.ps1",
            "   Run this script using the logged-on credentials = No (runs as SYSTEM).",
            "   Journals: %ProgramData%\\onedrive-doctor\\journals on each device.",
            "",
        ]
    if user:
        lines += [
            f"{2 if machine else 1}. The user folder (HKCU values of the signed-in user):",
            "   Detection script file: user\\detect.ps1   Remediation script file: user\\remediate.ps1",
            "   Run this script using the logged-on credentials = Yes (as SYSTEM it would",
            "   change the SYSTEM account's own HKCU, not the user's).",
            "   Journals: %LOCALAPPDATA%\\onedrive-doctor\\journals of each user.",
            "",
        ]
    if not machine and not user:
        lines += ["The plan has no registry change or command a script can make.", ""]
    lines += [
        "Detection exits 1 (problem present) while a value differs from the plan or cannot be",
        "read, and 0 when every value is as the plan says; it prints one line of JSON.",
        "Remediation journals every value before changing it and rolls back if a step fails",
        "(exit 4). To go back, deploy rollback.ps1 of the same folder, with the same account",
        "setting, as a platform script or as a remediation's remediation script: it restores",
        "the latest journal on the device (refusing one that was edited or is from another PC).",
        "A command leaves nothing detection can read back: it counts as done once a journal",
        "on the device records it applied (and the fix was not rolled back or undone).",
    ]
    others = [*other_steps(plan)]
    if others or plan.after:
        lines += ["", "Not done by any script (tell the users, or do them another way):"]
        lines += [f"  {line}" for line in manual_lines(plan)]
    text = "\n".join(lines) + "\n"
    return text.encode("ascii", errors="backslashreplace").decode("ascii").replace("\n", "\r\n")


def export_intune(plan: Plan, folder: str | Path, *, force: bool = False) -> tuple[Path, ...]:
    """Write the packages into ``folder``; return the paths written.

    Raises ``ExportError`` (an ``InputError``, exit 3) when ``folder`` is a file, or is not
    empty and ``force`` is not given.
    """
    target = Path(folder)
    check_free_folder(target, force=force)
    written: list[Path] = []
    for hives, where, note in (
        (_MACHINE, target, "Intune remediation, run as SYSTEM"),
        (_USER, target / "user", "Intune remediation, run as the logged-on user"),
    ):
        if not _has(plan, hives):
            continue
        scripts = {
            "detect.ps1": render_detect(plan, hives),
            "remediate.ps1": render_ps1(plan, target_note=note, hives=hives, title=note),
            "rollback.ps1": render_rollback(hives),
        }
        for name, text in scripts.items():
            written.append(write_whole(where / name, text.encode("ascii")))
    readme = _readme(plan, _has(plan, _MACHINE), _has(plan, _USER))
    written.append(write_whole(target / "README.txt", readme.encode("ascii")))
    return tuple(written)


_DETECT_HEAD = r"""# Written by onedrive-doctor {version} (fix --export-intune): Intune detection script.
# Exit 1: a value differs from the fix plan (or cannot be read), or a command has not run
# (no journal records it applied); exit 0: all as planned.
# Prints one line of JSON (under 2,048 characters). Run in 64-bit PowerShell.
param()
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
"""

_DETECT = r"""
$Checks = {checks}
$Commands = {commands}

function Write-Verdict([bool]$Fixed, $Differs, [string]$Problem) {{
    $line = '{{"fixed":' + $(if ($Fixed) {{ 'true' }} else {{ 'false' }})
    if ($Problem -ne '') {{ $line += ',"error":' + (Format-JsonText $Problem) }}
    $items = @()
    $more = 0
    foreach ($d in @($Differs)) {{
        $candidate = Format-JsonText $d
        if (($line.Length + (($items + $candidate) -join ',').Length) -lt {limit}) {{ $items += $candidate }} else {{ $more += 1 }}
    }}
    $line += ',"differs":[' + ($items -join ',') + ']'
    if ($more -gt 0) {{ $line += ',"more":' + $more }}
    Write-Output ($line + '}}')
}}

if ([IntPtr]::Size -eq 4 -and $env:PROCESSOR_ARCHITEW6432) {{
    Write-Verdict $false @() '32-bit PowerShell: set Run script in 64-bit PowerShell to Yes'
    exit 1
}}
$differs = @()
try {{
    foreach ($c in $Checks) {{
        if ($c.Kind -eq 'delete-key') {{
            $k = (Get-Root $c.Hive).OpenSubKey($c.Path, $false)
            if ($null -ne $k) {{ $k.Close(); $differs += ($c.Check + ': ' + $c.Hive + '\' + $c.Path + ' exists') }}
            continue
        }}
        $now = Format-ValueJson (Read-Value $c.Hive $c.Path $c.Name)
        if ($now -cne $c.Want) {{ $differs += ($c.Check + ': ' + $c.Hive + '\' + $c.Path + ' ' + $c.Name + ' is ' + $now) }}
    }}
    # A command leaves nothing to read back: it counts as done once a journal of this
    # package records it applied (and the fix was not rolled back or undone since).
    if ($Commands.Count -gt 0) {{
        $done = @()
        $folder = Join-Path {root} 'onedrive-doctor\journals'
        if (Test-Path -LiteralPath $folder) {{
            foreach ($f in @(Get-ChildItem -LiteralPath $folder -Filter 'fix-*.json')) {{
                $j = [System.IO.File]::ReadAllText($f.FullName) | ConvertFrom-Json
                if ($j.state -ne 'applied') {{ continue }}
                foreach ($x in @($j.entries)) {{
                    if ($x.kind -eq 'run-command' -and $x.status -eq 'applied') {{ $done += [string]$x.command }}
                }}
            }}
        }}
        foreach ($c in $Commands) {{
            if (-not ($done -contains $c.Command)) {{ $differs += ($c.Check + ': not run yet: ' + $c.Command) }}
        }}
    }}
}} catch {{
    Write-Verdict $false $differs ('cannot read: ' + $_.Exception.Message)
    exit 1
}}
if ($differs.Count -gt 0) {{
    Write-Verdict $false $differs ''
    exit 1
}}
Write-Verdict $true @() ''
exit 0
"""

_ROLLBACK_HEAD = r"""# Written by onedrive-doctor {version} (fix --export-intune): rollback of the remediation.
# Restores the latest journal the remediation wrote on this device (Windows 10+, 64-bit
# PowerShell). Refuses a journal that was edited (checksum) or written on another PC.
# Exit 0 restored (or nothing to restore), 3 journal refused, 5 a value could not be restored.
param([string]$JournalPath = '')
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
"""

_ROLLBACK = r"""
function Stop-Rollback([int]$Code, [string]$Message) {{
    [Console]::Error.WriteLine('onedrive-doctor rollback: ' + $Message)
    exit $Code
}}

function ConvertFrom-JournalValue($Value) {{
    if ($Value.state -eq 'absent') {{ return $null }}
    $t = [string]$Value.type
    $d = $Value.data
    if ($t -eq 'REG_DWORD') {{ return @{{ Type = $t; Data = [uint32]$d }} }}
    if ($t -eq 'REG_QWORD') {{ return @{{ Type = $t; Data = [uint64]$d }} }}
    if ($t -eq 'REG_SZ' -or $t -eq 'REG_EXPAND_SZ') {{ return @{{ Type = $t; Data = [string]$d }} }}
    if ($t -eq 'REG_MULTI_SZ') {{ return @{{ Type = $t; Data = [string[]]@($d) }} }}
    if ($t -eq 'REG_BINARY') {{
        $bytes = New-Object byte[] ($d.Length / 2)
        for ($i = 0; $i -lt $bytes.Length; $i++) {{ $bytes[$i] = [Convert]::ToByte($d.Substring(2 * $i, 2), 16) }}
        return @{{ Type = $t; Data = $bytes }}
    }}
    throw ('a ' + $t + ' value cannot be restored by this script')
}}

if ([IntPtr]::Size -eq 4 -and $env:PROCESSOR_ARCHITEW6432) {{ Stop-Rollback 1 'run it in 64-bit PowerShell' }}
if ($JournalPath -eq '') {{
    $folder = Join-Path {root} 'onedrive-doctor\journals'
    if (-not (Test-Path -LiteralPath $folder)) {{ Write-Output 'Nothing to roll back: no journal.'; exit 0 }}
    $JournalPath = $null
    foreach ($f in @(Get-ChildItem -LiteralPath $folder -Filter 'fix-*.json' | Sort-Object Name -Descending)) {{
        $peek = [System.IO.File]::ReadAllText($f.FullName) | ConvertFrom-Json
        if ($peek.state -eq 'applied' -or $peek.state -eq 'applying') {{ $JournalPath = $f.FullName; break }}
    }}
    if ($null -eq $JournalPath) {{ Write-Output 'Nothing to roll back: every journal is rolled back or undone.'; exit 0 }}
}}

$parsed = [System.IO.File]::ReadAllText($JournalPath) | ConvertFrom-Json
if ($parsed.journal_version -ne 1) {{ Stop-Rollback 3 ('not a v1 journal: ' + $JournalPath) }}
if ($parsed.target.kind -ne 'live' -or $parsed.target.computer -ne $env:COMPUTERNAME -or $parsed.target.machine_guid -ne (Get-MachineGuid)) {{
    Stop-Rollback 3 ('the journal belongs to another PC: ' + $JournalPath)
}}
$toolJson = '{{"name":' + (Format-JsonText $parsed.tool.name) + ',"version":' + (Format-JsonText $parsed.tool.version) + '}}'
$Journal = @{{ Path = $JournalPath; Wanted = $JournalPath; Created = [string]$parsed.created; State = [string]$parsed.state; Entries = (New-Object System.Collections.ArrayList); ToolJson = $toolJson; TargetJson = '' }}
$Journal.TargetJson = '{{"computer":' + (Format-JsonOrNull $parsed.target.computer) + ',"kind":"live","machine_guid":' + (Format-JsonOrNull $parsed.target.machine_guid) + '}}'
foreach ($p in @($parsed.entries)) {{
    $e = @{{ Index = [int]$p.index; Kind = [string]$p.kind; Check = [string]$p.check; Status = [string]$p.status; Key = $null; Name = $null; AfterJson = $null; Before = $null; Tree = @(); Command = $null; Shell = $null; Undo = $null; Output = $null }}
    if ($e.Kind -eq 'run-command') {{ $e.Command = [string]$p.command; $e.Shell = [string]$p.shell; $e.Undo = $p.undo; $e.Output = $p.output }}
    else {{
        $e.Key = [string]$p.key
        $e.Name = $p.name
        $e.Before = ConvertFrom-JournalValue $p.before
        $e.AfterJson = Format-ValueJson (ConvertFrom-JournalValue $p.after)
        if ($e.Kind -eq 'delete-key') {{
            $tree = @()
            foreach ($item in @($p.before_tree)) {{
                if ($null -eq $item.name) {{ $tree += @{{ Key = [string]$item.key; Name = $null; Value = $null }} }}
                else {{ $tree += @{{ Key = [string]$item.key; Name = [string]$item.name; Value = (ConvertFrom-JournalValue @{{ state = 'present'; type = $item.type; data = $item.data }}) }} }}
            }}
            $e.Tree = $tree
        }}
    }}
    [void]$Journal.Entries.Add($e)
}}
if (('sha256:' + (Get-Sha256Hex (Get-JournalBody $Journal))) -cne [string]$parsed.checksum) {{
    Stop-Rollback 3 ('the journal was edited (its checksum differs): ' + $JournalPath)
}}

$complete = $true
for ($i = $Journal.Entries.Count - 1; $i -ge 0; $i--) {{
    $e = $Journal.Entries[$i]
    if ($e.Status -ne 'applied' -and $e.Status -ne 'pending') {{ continue }}
    try {{
        if ($e.Kind -eq 'run-command') {{
            if ($null -eq $e.Undo) {{ throw 'the command has no undo' }}
            [void](Invoke-Line $e.Shell $e.Undo)
        }} else {{
            $hive = $e.Key.Substring(0, 4)
            $path = $e.Key.Substring(5)
            if ($e.Kind -eq 'delete-key') {{ Restore-Tree $hive $e.Tree }}
            else {{ Write-Value $hive $path ([string]$e.Name) $e.Before }}
        }}
        $e.Status = 'undone'
        Save-Journal $Journal
    }} catch {{
        $complete = $false
        [Console]::Error.WriteLine('onedrive-doctor rollback: step ' + ($e.Index + 1) + ': ' + $_.Exception.Message)
    }}
}}
if (-not $complete) {{ Stop-Rollback 5 ('some values could not be restored; the journal says which: ' + $JournalPath) }}
$Journal.State = 'undone'
Save-Journal $Journal
Write-Output ('Restored the values of ' + $JournalPath)
exit 0
"""
