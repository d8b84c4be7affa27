"""``collector-script``: a script that builds a bundle on a Windows PC without Python.

The .cmd and .ps1 forms use only built-in Windows commands (reg.exe, dsregcmd, nltest,
PowerShell's own cmdlets) and write the same files as ``onedrive-doctor collect``
(docs/spec/bundle.md), so ``onedrive-doctor analyze`` reads them the same way. Neither script
sends anything anywhere.

Both run on Windows 7 SP1 (cmd.exe, PowerShell 2.0) and 8.1 (PowerShell 4.0): the .ps1 uses no
PowerShell 3+ cmdlet or syntax (tests/test_collector_portability.py keeps the list). A command
that does not exist is named in ``unavailable.txt`` (its checks say ``not_applicable``), never
written as an error text into its output file; a command that fails leaves no file; both end
with an honest summary and a nonzero exit code when something failed.
"""

from __future__ import annotations

from .._version import __version__
from .plan import COMMANDS, REGISTRY_KEYS, REQUIRED_KEYS, allowed_values

__all__ = ["render_cmd", "render_ps1"]

_MANIFEST = (
    '{"schema_version": 1, "tool": {"name": "onedrive-doctor collector-script", '
    f'"version": "{__version__}"}}, "host": {{"os": "Windows"}}, "files": [], '
    '"redacted": false, "network_probes": false}'
)
_REG_HEADER = "Windows Registry Editor Version 5.00"
_HIVES = {"HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER"}


def _long_key(key: str) -> str:
    hive, _, rest = key.partition("\\")
    return f"{_HIVES[hive]}\\{rest}"


def _cmd_values(name: str, key: str, values: tuple[str, ...]) -> list[str]:
    """The child (``cmd /u``, so UTF-16LE like reg.exe) that writes only allow-listed values."""
    lines = [
        f":values_{name}",
        f"echo {_REG_HEADER}",
        "echo.",
        f"echo [{_long_key(key)}]",
        'set "FOUND="',
    ]
    lines += [
        f'for /f "tokens=1,2,*" %%a in (\'reg query "{key}" /v {value} 2^>nul\') '
        f'do if /i "%%a"=="{value}" call :regline "%%a" "%%b" "%%c"'
        for value in values
    ]
    # A key every Windows has must show some value; elsewhere none of them is normal.
    lines.append("echo.")
    if key in REQUIRED_KEYS:
        lines.append("if not defined FOUND exit /b 1")
    lines.append("exit /b 0")
    return lines


def render_cmd() -> str:
    """The cmd.exe form (CRLF line ends, as cmd.exe expects)."""
    restricted = [(n, k, v) for n, k in REGISTRY_KEYS if (v := allowed_values(k)) is not None]
    lines = [
        "@echo off",
        "rem onedrive-doctor collector: builds a bundle for `onedrive-doctor analyze`.",
        "rem Run it in a normal (not elevated) Command Prompt as the user who sees the error:",
        "rem dsregcmd shows the user's sign-in (PRT) state only in the user's own session.",
        "rem Works on Windows 7 SP1 and later. Usage: collect-onedrive-bundle.cmd [OUTPUT_FOLDER]",
    ]
    # The script calls itself under `cmd /u` to write the allow-listed values as UTF-16LE.
    lines += [f'if "%~1"=="__values_{n}" goto :values_{n}' for n, _, _ in restricted]
    lines += [
        "setlocal",
        'set "OUT=%~1"',
        'if "%OUT%"=="" set "OUT=%CD%\\onedrive-doctor-bundle"',
        'mkdir "%OUT%\\registry" 2>nul',
        'if not exist "%OUT%\\registry\\" echo Cannot create %OUT%\\registry& exit /b 3',
        "set /a NC=0, NU=0, NF=0, NA=0",
        'set "C_LIST=" & set "U_LIST=" & set "F_LIST="',
        'del "%OUT%\\unavailable.txt" 2>nul',
    ]
    for name, key in REGISTRY_KEYS:
        if allowed_values(key) is None:
            lines.append(f'call :reg "{name}" "{key}"')
        else:
            lines += [
                f'del "%OUT%\\registry\\{name}.reg" 2>nul',
                f'reg query "{key}" >nul 2>&1',
                f'if errorlevel 1 (set /a NA+=1) else cmd /u /c ""%~f0" __values_{name}" '
                f'> "%OUT%\\registry\\{name}.reg.part" 2>nul',
                f'if exist "%OUT%\\registry\\{name}.reg.part" call :keep "registry\\{name}.reg"',
            ]
    # PowerShell 2.0 is part of Windows 7 SP1; a powershell.exe that answers nothing (or none
    # at all) makes its files unavailable. Get-WmiObject, not Get-CimInstance (PowerShell 3).
    lines += [
        'set "PSVER="',
        "for /f %%v in ('powershell -NoProfile -NonInteractive -Command "
        '"$PSVersionTable.PSVersion.Major" 2^>nul\') do set "PSVER=%%v"',
        'set "DOMAIN="',
        'if defined PSVER for /f "usebackq delims=" %%d in (`powershell -NoProfile '
        '-NonInteractive -Command "$cs = Get-WmiObject Win32_ComputerSystem; '
        'if ($cs.PartOfDomain) { $cs.Domain }" 2^>nul`) do set "DOMAIN=%%d"',
    ]
    for command in COMMANDS:
        part = f'"%OUT%\\{command.file}.part"'
        mode = "any" if command.keep_on_error else "empty" if command.empty_ok else "ok"
        lines.append(f'del "%OUT%\\{command.file}" {part} 2>nul')
        if command.cmd is not None:
            program = command.cmd.split()[0]
            lines.append(f'call :have {program}.exe "{command.program}" "{command.file}"')
            if command.channel is not None:
                # The log itself may be missing (the AAD log before Windows 10).
                lines.append(
                    f'if defined HAVE call :have_log "{command.channel}" "{command.program}" '
                    f'"{command.file}"'
                )
            run = f"{command.cmd.format(domain='%DOMAIN%')} > {part} 2>nul"
            if command.needs_domain:
                lines.append(f"if defined HAVE if defined DOMAIN {run}")
                lines.append(
                    f'if defined HAVE if defined DOMAIN call :keep "{command.file}" {mode}'
                )
            else:
                lines.append(f"if defined HAVE {run}")
                lines.append(f'if defined HAVE call :keep "{command.file}" {mode}')
            continue
        script = command.guarded().replace('"', '\\"')
        # Without PowerShell, wmic (Windows 7 to 11 23H2) lists the same KB numbers.
        fallback = command.file == "hotfixes.txt"
        lines += [
            f'if not defined PSVER call :unavailable powershell "{command.file}"'
            if not fallback
            else f"if not defined PSVER wmic qfe get HotFixID > {part} 2>nul",
            *([f'if not defined PSVER call :keep "{command.file}" ok'] if fallback else []),
            f'if defined PSVER powershell -NoProfile -NonInteractive -Command "{script}" '
            f"> {part} 2>nul",
            f'if defined PSVER call :keep "{command.file}" {mode} "{command.program}"',
        ]
    lines += [
        f'> "%OUT%\\manifest.json" echo {_MANIFEST}',
        "echo Summary: %NC% collected, %NU% unavailable, %NF% failed "
        "(%NA% registry keys absent, which is normal)",
        "echo Collected:%C_LIST%",
        "echo Unavailable on this Windows (see unavailable.txt):%U_LIST%",
        "echo Failed:%F_LIST%",
        "echo Bundle written to %OUT%",
        'echo Analyse it with: onedrive-doctor analyze "%OUT%"',
        'set "RC=0"',
        'if not "%NF%"=="0" set "RC=1"',
        "endlocal & exit /b %RC%",
        "",
        "rem :reg NAME KEY  export a whole key; a key that does not exist is not an error",
        ":reg",
        'del "%OUT%\\registry\\%~1.reg" 2>nul',
        'reg query "%~2" >nul 2>&1',
        "if errorlevel 1 set /a NA+=1& goto :eof",
        'reg export "%~2" "%OUT%\\registry\\%~1.reg.part" /y >nul 2>&1',
        'call :keep "registry\\%~1.reg"',
        "goto :eof",
        "",
        "rem :have EXE PROGRAM FILE  sets HAVE when EXE is on PATH, else records it unavailable",
        ":have",
        'set "HAVE="',
        'for %%X in (%~1) do if not "%%~$PATH:X"=="" set "HAVE=1"',
        'if not defined HAVE call :unavailable "%~2" "%~3"',
        "goto :eof",
        "",
        "rem :have_log LOG PROGRAM FILE  clears HAVE when the event log LOG does not exist",
        ":have_log",
        'wevtutil gl "%~1" >nul 2>&1',
        'if errorlevel 1 set "HAVE="& call :unavailable "%~2" "%~3"',
        "goto :eof",
        "",
        "rem :unavailable PROGRAM FILE  one line of unavailable.txt (docs/spec/bundle.md)",
        ":unavailable",
        '>> "%OUT%\\unavailable.txt" echo %~1 %~2',
        "set /a NU+=1",
        'set "U_LIST=%U_LIST% %~2"',
        "goto :eof",
        "",
        "rem :keep FILE [ok|any|empty] [PROGRAM]  FILE.part becomes FILE when the command",
        "rem worked: exit code 0 (or any, for nltest) and not empty (empty is evidence too for",
        "rem empty: no event, no package). Error texts go to stderr, which is never redirected",
        "rem into a file, and a missing command is never run (:have).",
        ":keep",
        'set "RC=%errorlevel%"',
        'set "F=%OUT%\\%~1"',
        'if "%RC%"=="3" if not "%~3"=="" del "%F%.part" 2>nul& call :unavailable "%~3" "%~1"& '
        "goto :eof",
        'set "SIZE=0"',
        'if exist "%F%.part" for %%A in ("%F%.part") do set "SIZE=%%~zA"',
        'if not exist "%F%.part" goto :keep_fail',
        'if "%SIZE%"=="0" if not "%~2"=="empty" goto :keep_fail',
        'if not "%~2"=="any" if not "%RC%"=="0" goto :keep_fail',
        'move /y "%F%.part" "%F%" >nul',
        "set /a NC+=1",
        'set "C_LIST=%C_LIST% %~1"',
        "goto :eof",
        ":keep_fail",
        'del "%F%.part" 2>nul',
        "set /a NF+=1",
        'set "F_LIST=%F_LIST% %~1"',
        "goto :eof",
        "",
        "rem :regline NAME TYPE DATA  one value of `reg query` as a .reg line",
        ":regline",
        'set "FOUND=1"',
        'set "D=%~3"',
        'if /i "%~2"=="REG_DWORD" goto :regline_dword',
        'if defined D set "D=%D:\\=\\\\%"',
        'echo "%~1"="%D%"',
        "goto :eof",
        ":regline_dword",
        'set "D=00000000%D:~2%"',
        'echo "%~1"=dword:%D:~-8%',
        "goto :eof",
    ]
    for name, key, values in restricted:
        lines += ["", *_cmd_values(name, key, values)]
    return "\r\n".join(lines) + "\r\n"


def render_ps1() -> str:
    """The PowerShell 2.0+ form; it also zips the bundle for sending to the helpdesk."""
    lines = [
        "# onedrive-doctor collector: builds a bundle for `onedrive-doctor analyze`.",
        "# Run it in a normal (not elevated) PowerShell as the user who sees the error:",
        "# dsregcmd shows the user's sign-in (PRT) state only in the user's own session.",
        "# Works with PowerShell 2.0 (Windows 7 SP1) and later.",
        "param([string]$Out = (Join-Path (Get-Location) 'onedrive-doctor-bundle'))",
        "$ErrorActionPreference = 'Continue'",
        "New-Item -ItemType Directory -Force -Path (Join-Path $Out 'registry') | Out-Null",
        "$collected = @(); $unavailable = @(); $failed = @()",
        "$unavailableFile = Join-Path $Out 'unavailable.txt'",
        "if (Test-Path $unavailableFile) { Remove-Item -Force $unavailableFile }",
        "function Add-Unavailable([string]$program, [string]$file) {",
        "    Add-Content -Encoding ASCII -Path $unavailableFile -Value ($program + ' ' + $file)",
        "    $script:unavailable += $file",
        "}",
        "function Save-Output([string]$file, $text, [bool]$emptyOk = $false) {",
        "    $path = Join-Path $Out $file",
        "    if ($text -and ($text | Out-String).Trim()) {",
        "        $text | Out-File -Encoding utf8 -FilePath $path",
        "        $script:collected += $file",
        "    } elseif ($emptyOk -and $LASTEXITCODE -eq 0) {",
        "        # No event, no package: an empty file is the evidence (the caller reset",
        "        # LASTEXITCODE, so a native command that failed is not taken for that).",
        "        New-Item -ItemType File -Force -Path $path | Out-Null",
        "        $script:collected += $file",
        "    } else { $script:failed += $file }",
        "}",
        "$keys = @(",
    ]
    lines += [
        f"    @('{name}', '{key}')," for name, key in REGISTRY_KEYS if allowed_values(key) is None
    ]
    lines[-1] = lines[-1].rstrip(",")
    lines += [
        ")",
        "foreach ($k in $keys) {",
        "    $file = Join-Path $Out ('registry\\' + $k[0] + '.reg')",
        "    if (Test-Path $file) { Remove-Item -Force $file }",
        "    & reg.exe query $k[1] 2>&1 | Out-Null",
        "    if ($LASTEXITCODE -ne 0) { continue }  # a key that does not exist is normal",
        "    & reg.exe export $k[1] $file /y 2>&1 | Out-Null",
        "    if ($LASTEXITCODE -eq 0) { $collected += ('registry\\' + $k[0] + '.reg') }",
        "    else { $failed += ('registry\\' + $k[0] + '.reg') }",
        "}",
    ]
    for name, key in REGISTRY_KEYS:
        values = allowed_values(key)
        if values is None:
            continue
        names = ", ".join(f"'{v}'" for v in values)
        # Only the allow-listed values, written by hand in reg.exe's own format (UTF-16LE
        # with BOM: Out-File -Encoding Unicode), never the key's subkeys (plan.VALUE_ALLOWLIST).
        lines += [
            f"$rk = Get-Item -LiteralPath 'Registry::{_long_key(key)}' -ErrorAction "
            "SilentlyContinue",
            "if ($rk) {",
            f"    $reg = @('{_REG_HEADER}', '', '[{_long_key(key)}]')",
            f"    foreach ($n in @({names})) {{",
            "        $v = $rk.GetValue($n)",
            "        if ($v -eq $null) { continue }",
            "        if ($rk.GetValueKind($n) -eq 'DWord') {",
            "            $reg += ('\"' + $n + '\"=dword:' + ('{0:x8}' -f $v))",
            "        } else {",
            "            $reg += ('\"' + $n + '\"=\"' + ([string]$v).Replace('\\', '\\\\')"
            ".Replace('\"', '\\\"') + '\"')",
            "        }",
            "    }",
            "    $reg += ''",
            "    $reg | Out-File -Encoding Unicode -FilePath "
            f"(Join-Path $Out 'registry\\{name}.reg')",
            f"    $collected += 'registry\\{name}.reg'",
            # Only a key every Windows has is a failure when it cannot be read.
            f"}} else {{ $failed += 'registry\\{name}.reg' }}" if key in REQUIRED_KEYS else "}",
        ]
    lines += [
        "$cs = Get-WmiObject Win32_ComputerSystem",
        "$domain = $null",
        "if ($cs -and $cs.PartOfDomain) { $domain = $cs.Domain }",
    ]
    for command in COMMANDS:
        script = command.powershell.format(domain="$domain")
        empty = " $true" if command.empty_ok else ""
        reset = "$global:LASTEXITCODE = 0; " if command.empty_ok else ""
        missing = f"-not (Get-Command {command.program} -ErrorAction SilentlyContinue)"
        if command.channel is not None:
            missing += (
                f" -or -not (Get-WinEvent -ListLog '{command.channel}' "
                "-ErrorAction SilentlyContinue)"
            )
        body = (
            f"if ({missing}) "
            f"{{ Add-Unavailable '{command.program}' '{command.file}' }} "
            f"else {{ try {{ {reset}Save-Output '{command.file}' ({script}){empty} }} "
            f"catch {{ $failed += '{command.file}' }} }}"
        )
        if command.needs_domain:
            body = f"if ($domain) {{ {body} }}"
        lines.append(body)
    lines += [
        f"Set-Content -Encoding utf8 -Path (Join-Path $Out 'manifest.json') -Value '{_MANIFEST}'",
        "$zip = $Out + '.zip'",
        "$zipped = $false",
        "try {",
        "    if (Get-Command Compress-Archive -ErrorAction SilentlyContinue) {",
        "        Compress-Archive -Force -Path (Join-Path $Out '*') -DestinationPath $zip",
        "    } else {",
        "        # PowerShell 2.0/4.0 has no Compress-Archive: the Explorer shell zips instead.",
        "        if (Test-Path $zip) { Remove-Item -Force $zip }",
        "        Set-Content -Path $zip -Encoding ASCII -Value "
        '("PK" + [char]5 + [char]6 + ("$([char]0)" * 18))',
        "        $shell = New-Object -ComObject Shell.Application",
        "        $target = $shell.NameSpace((Resolve-Path $zip).Path)",
        "        $count = @(Get-ChildItem $Out).Count",
        "        $target.CopyHere($shell.NameSpace((Resolve-Path $Out).Path).Items(), 0x14)",
        "        $wait = 0",
        "        while ($target.Items().Count -lt $count -and $wait -lt 60) "
        "{ Start-Sleep -Seconds 1; $wait++ }",
        "    }",
        "    $zipped = Test-Path $zip",
        "} catch { $zipped = $false }",
        'Write-Host ("Summary: " + $collected.Count + " collected, " + $unavailable.Count + '
        '" unavailable, " + $failed.Count + " failed")',
        "Write-Host (\"Collected: \" + ($collected -join ', '))",
        'Write-Host ("Unavailable on this Windows (see unavailable.txt): " + '
        "($unavailable -join ', '))",
        "Write-Host (\"Failed: \" + ($failed -join ', '))",
        'if ($zipped) { Write-Host "Bundle written to $Out and $zip" } '
        'else { Write-Host "Bundle written to $Out (not zipped: zip the folder by hand)" }',
        'Write-Host "Analyse it with: onedrive-doctor analyze $Out"',
        "if ($failed.Count -gt 0) { exit 1 }",
    ]
    return "\n".join(lines) + "\n"
