"""``collector-script``: a script that builds a bundle on a Windows PC without Python.

The .cmd and .ps1 forms use only built-in Windows commands (reg.exe, dsregcmd, nltest,
PowerShell's own cmdlets) and write the same files as ``onedrive-doctor collect``
(docs/spec/bundle.md), so ``onedrive-doctor analyze`` reads them the same way. Neither script
sends anything anywhere.
"""

from __future__ import annotations

from .._version import __version__
from .plan import COMMANDS, REGISTRY_KEYS

__all__ = ["render_cmd", "render_ps1"]

_MANIFEST = (
    '{"schema_version": 1, "tool": {"name": "onedrive-doctor collector-script", '
    f'"version": "{__version__}"}}, "host": {{"os": "Windows"}}, "files": [], '
    '"redacted": false, "network_probes": false}'
)


def render_cmd() -> str:
    """The cmd.exe form (CRLF line ends, as cmd.exe expects)."""
    lines = [
        "@echo off",
        "rem onedrive-doctor collector: builds a bundle for `onedrive-doctor analyze`.",
        "rem Run it in a normal (not elevated) Command Prompt as the user who sees the error:",
        "rem dsregcmd shows the user's sign-in (PRT) state only in the user's own session.",
        "rem Usage: collect-onedrive-bundle.cmd [OUTPUT_FOLDER]",
        "setlocal",
        'set "OUT=%~1"',
        'if "%OUT%"=="" set "OUT=%CD%\\onedrive-doctor-bundle"',
        'mkdir "%OUT%\\registry" 2>nul',
    ]
    for name, key in REGISTRY_KEYS:
        lines.append(f'reg export "{key}" "%OUT%\\registry\\{name}.reg" /y >nul 2>&1')
    lines.append(
        'for /f "usebackq delims=" %%d in (`powershell -NoProfile -Command '
        '"$cs = Get-CimInstance Win32_ComputerSystem; if ($cs.PartOfDomain) { $cs.Domain }"`) '
        'do set "DOMAIN=%%d"'
    )
    for command in COMMANDS:
        target = f'"%OUT%\\{command.file}"'
        if command.cmd is not None:
            line = f"{command.cmd.format(domain='%DOMAIN%')} > {target} 2>&1"
        else:
            script = command.powershell.replace('"', '\\"')
            line = f'powershell -NoProfile -Command "{script}" > {target} 2>nul'
        if command.needs_domain:
            line = f"if defined DOMAIN {line}"
        lines.append(line)
    lines += [
        f'> "%OUT%\\manifest.json" echo {_MANIFEST}',
        "echo Bundle written to %OUT%",
        'echo Analyse it with: onedrive-doctor analyze "%OUT%"',
        "endlocal",
    ]
    return "\r\n".join(lines) + "\r\n"


def render_ps1() -> str:
    """The PowerShell form; it also zips the bundle for sending to the helpdesk."""
    lines = [
        "# onedrive-doctor collector: builds a bundle for `onedrive-doctor analyze`.",
        "# Run it in a normal (not elevated) PowerShell as the user who sees the error:",
        "# dsregcmd shows the user's sign-in (PRT) state only in the user's own session.",
        "param([string]$Out = (Join-Path (Get-Location) 'onedrive-doctor-bundle'))",
        "$ErrorActionPreference = 'Continue'",
        "New-Item -ItemType Directory -Force -Path (Join-Path $Out 'registry') | Out-Null",
        "$keys = @(",
    ]
    lines += [f"    @('{name}', '{key}')," for name, key in REGISTRY_KEYS]
    lines[-1] = lines[-1].rstrip(",")
    lines += [
        ")",
        "foreach ($k in $keys) {",
        "    $file = Join-Path $Out ('registry\\' + $k[0] + '.reg')",
        "    & reg.exe export $k[1] $file /y 2>&1 | Out-Null",
        "}",
        "$cs = Get-CimInstance Win32_ComputerSystem",
        "$domain = if ($cs.PartOfDomain) { $cs.Domain } else { $null }",
    ]
    for command in COMMANDS:
        script = command.powershell.format(domain="$domain")
        line = (
            f"try {{ {script} | Out-File -Encoding utf8 -FilePath "
            f"(Join-Path $Out '{command.file}') }} catch {{ }}"
        )
        if command.needs_domain:
            line = f"if ($domain) {{ {line} }}"
        lines.append(line)
    lines += [
        f"Set-Content -Encoding utf8 -Path (Join-Path $Out 'manifest.json') -Value '{_MANIFEST}'",
        "Compress-Archive -Force -Path (Join-Path $Out '*') -DestinationPath ($Out + '.zip')",
        'Write-Host "Bundle written to $Out and $Out.zip"',
        'Write-Host "Analyse it with: onedrive-doctor analyze $Out.zip"',
    ]
    return "\n".join(lines) + "\n"
