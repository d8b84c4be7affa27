# ruff: noqa: E501  (the PowerShell below keeps its lines whole, as a reader of the script sees them)
r"""The PowerShell the ``.ps1`` and Intune exports are made of: a fixed runtime plus the steps.

Written for Windows PowerShell 2.0 (Windows 7 SP1) and every later one: no ``ConvertTo-Json``,
no ``[ordered]``, no ``-in``, no ``Get-CimInstance``, no ``class``, no ``::new()``. The registry
is read and written through .NET's ``Microsoft.Win32.Registry`` (present since .NET 2.0), so
the value kinds and bytes are exact; a 32-bit PowerShell on a 64-bit Windows would see the
WOW6432Node view (and .NET 2.0 has no ``RegistryView``), so the scripts refuse to run there
("Registry Redirector", https://learn.microsoft.com/windows/win32/winprog64/registry-redirector).

The journal (format v1, the one ``onedrive-doctor undo`` reads) is built as text, because
PowerShell 2.0 has no JSON writer. Its checksum is over the canonical form Python's
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True)`` gives, so the scripts
emit exactly that form: keys in sorted order (the key lists below are sorted here, in Python,
and the PowerShell is generated from them), no spaces, and strings escaped by
``Format-JsonText``, the one small function that has to match ``json.dumps`` character for
character. The checksum key is then added before the final ``}`` (readers recompute the
canonical form from the parsed JSON, so where it sits does not matter).
"""

from __future__ import annotations

import json
from typing import Any

from ..registry.regfile import RegData
from .changes import ValueType

__all__ = [
    "ENTRY_KEYS",
    "JSON_TEXT_FUNCTION",
    "RUN_COMMAND_KEYS",
    "TREE_ITEM_KEYS",
    "VALUE_KEYS",
    "canonical_json",
    "ps_data",
    "ps_string",
    "runtime",
]

#: The keys of each JSON object the scripts write, sorted as the canonical form sorts them.
ENTRY_KEYS = ("after", "before", "check", "index", "key", "kind", "name", "status")
DELETE_KEY_KEYS = tuple(sorted((*ENTRY_KEYS, "before_tree")))
RUN_COMMAND_KEYS = ("check", "command", "index", "kind", "output", "shell", "status", "undo")
TREE_ITEM_KEYS = ("data", "key", "name", "type")
VALUE_KEYS = ("data", "state", "type")
BODY_KEYS = ("created", "entries", "journal_version", "state", "target", "tool")
LIVE_TARGET_KEYS = ("computer", "kind", "machine_guid")

# json.dumps(ensure_ascii=True) exactly: \" \\ \n \r \t \b \f, every other character below
# 0x20 or above 0x7e as \u plus four lowercase hex digits (UTF-16 code units, so a character
# outside the BMP comes out as its surrogate pair, as Python writes it).
JSON_TEXT_FUNCTION = r"""function Format-JsonText([string]$Text) {
    $b = New-Object System.Text.StringBuilder
    [void]$b.Append('"')
    foreach ($c in $Text.ToCharArray()) {
        $n = [int]$c
        if ($n -eq 34) { [void]$b.Append('\"') }
        elseif ($n -eq 92) { [void]$b.Append('\\') }
        elseif ($n -eq 10) { [void]$b.Append('\n') }
        elseif ($n -eq 13) { [void]$b.Append('\r') }
        elseif ($n -eq 9) { [void]$b.Append('\t') }
        elseif ($n -eq 8) { [void]$b.Append('\b') }
        elseif ($n -eq 12) { [void]$b.Append('\f') }
        elseif ($n -lt 32 -or $n -gt 126) { [void]$b.Append(('\u{0:x4}' -f $n)) }
        else { [void]$b.Append($c) }
    }
    [void]$b.Append('"')
    return $b.ToString()
}"""


def canonical_json(value: Any) -> str:
    """The canonical form the journal checksum is over (and the scripts reproduce)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def ps_string(text: str) -> str:
    """A PowerShell expression for ``text`` that keeps the script pure ASCII.

    Single quotes (nothing expands inside them; ``'`` is doubled); a character outside
    printable ASCII is ``[char]0x....`` joined in, so the file reads the same under PowerShell
    2.0's ANSI default and as UTF-8.
    """
    parts: list[str] = []
    plain: list[str] = []
    for char in text:
        if " " <= char <= "~":
            plain.append("''" if char == "'" else char)
            continue
        if plain:
            parts.append("'" + "".join(plain) + "'")
            plain = []
        # PowerShell strings are UTF-16: a character outside the BMP is its surrogate pair.
        units = char.encode("utf-16-le", errors="surrogatepass")
        parts.extend(
            f"[string][char]0x{int.from_bytes(units[i : i + 2], 'little'):04x}"
            for i in range(0, len(units), 2)
        )
    if plain or not parts:
        parts.append("'" + "".join(plain) + "'")
    if len(parts) == 1:
        return parts[0]
    return "(" + " + ".join(parts) + ")"


def ps_data(value_type: ValueType, data: RegData) -> str:
    """The .NET value ``RegistryKey.SetValue`` takes for ``data`` of ``value_type``.

    REG_DWORD / REG_QWORD go in as the signed Int32 / Int64 of the same bits (.NET refuses an
    unsigned one), from a string so PowerShell's hex literal quirks play no part.
    """
    if value_type is ValueType.REG_DWORD and isinstance(data, int):
        signed = data - (1 << 32) if data >= 1 << 31 else data
        return f"[int32]'{signed}'"
    if value_type is ValueType.REG_QWORD and isinstance(data, int):
        signed = data - (1 << 64) if data >= 1 << 63 else data
        return f"[int64]'{signed}'"
    if value_type is ValueType.REG_BINARY and isinstance(data, bytes):
        return "[byte[]]@(" + ",".join(f"0x{byte:02x}" for byte in data) + ")"
    if value_type is ValueType.REG_MULTI_SZ and isinstance(data, tuple):
        return "[string[]]@(" + ",".join(ps_string(item) for item in data) + ")"
    if isinstance(data, str):
        return ps_string(data)
    raise ValueError(f"{value_type.value} cannot hold {data!r}")


def _object(keys: tuple[str, ...], values: dict[str, str]) -> str:
    """PowerShell that builds ``{"k":v,...}`` in ``keys`` order from PowerShell expressions."""
    assert list(keys) == sorted(keys) and set(keys) == set(values)
    pieces = [f"'{'{' if i == 0 else ','}\"{key}\":' + {values[key]}" for i, key in enumerate(keys)]
    return " + ".join([*pieces, "'}'"])


def runtime() -> str:
    """The functions every generated script shares (reading, writing, the journal)."""
    value_json = _object(
        VALUE_KEYS,
        {
            "data": "(Format-DataJson $Value.Type $Value.Data)",
            "state": "'\"present\"'",
            "type": "(Format-JsonText $Value.Type)",
        },
    )
    entry_common = {
        "after": "$Entry.AfterJson",
        "before": "(Format-ValueJson $Entry.Before)",
        "check": "(Format-JsonText $Entry.Check)",
        "index": "[string]$Entry.Index",
        "key": "(Format-JsonText $Entry.Key)",
        "kind": "(Format-JsonText $Entry.Kind)",
        "name": "(Format-JsonOrNull $Entry.Name)",
        "status": "(Format-JsonText $Entry.Status)",
    }
    entry_json = _object(ENTRY_KEYS, entry_common)
    delete_key_json = _object(
        DELETE_KEY_KEYS, {**entry_common, "before_tree": "(Format-TreeJson $Entry.Tree)"}
    )
    command_json = _object(
        RUN_COMMAND_KEYS,
        {
            "check": "(Format-JsonText $Entry.Check)",
            "command": "(Format-JsonText $Entry.Command)",
            "index": "[string]$Entry.Index",
            "kind": "'\"run-command\"'",
            "output": "(Format-JsonOrNull $Entry.Output)",
            "shell": "(Format-JsonText $Entry.Shell)",
            "status": "(Format-JsonText $Entry.Status)",
            "undo": "(Format-JsonOrNull $Entry.Undo)",
        },
    )
    tree_value = _object(
        TREE_ITEM_KEYS,
        {
            "data": "(Format-DataJson $Item.Value.Type $Item.Value.Data)",
            "key": "(Format-JsonText $Item.Key)",
            "name": "(Format-JsonText $Item.Name)",
            "type": "(Format-JsonText $Item.Value.Type)",
        },
    )
    tree_key = _object(
        TREE_ITEM_KEYS,
        {
            "data": "'null'",
            "key": "(Format-JsonText $Item.Key)",
            "name": "'null'",
            "type": "'null'",
        },
    )
    target_json = _object(
        LIVE_TARGET_KEYS,
        {
            "computer": "(Format-JsonOrNull $env:COMPUTERNAME)",
            "kind": "'\"live\"'",
            "machine_guid": "(Format-JsonOrNull (Get-MachineGuid))",
        },
    )
    body_json = _object(
        BODY_KEYS,
        {
            "created": "(Format-JsonText $Journal.Created)",
            "entries": "'[' + ($parts -join ',') + ']'",
            "journal_version": "'1'",
            "state": "(Format-JsonText $Journal.State)",
            "target": "$Journal.TargetJson",
            "tool": "$Journal.ToolJson",
        },
    )
    return _RUNTIME.format(
        json_text=JSON_TEXT_FUNCTION,
        value_json=value_json,
        entry_json=entry_json,
        delete_key_json=delete_key_json,
        command_json=command_json,
        tree_value=tree_value,
        tree_key=tree_key,
        target_json=target_json,
        body_json=body_json,
    )


# Doubled braces are literal ones (str.format); {name} are the generated pieces above.
_RUNTIME = r"""
# --- JSON, as Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True) ---
{json_text}

function Format-JsonOrNull($Text) {{
    if ($null -eq $Text) {{ return 'null' }}
    return (Format-JsonText ([string]$Text))
}}

function Format-DataJson([string]$Type, $Data) {{
    if ($Type -eq 'REG_DWORD' -or $Type -eq 'REG_QWORD') {{ return [string]$Data }}
    if ($Type -eq 'REG_SZ' -or $Type -eq 'REG_EXPAND_SZ') {{ return (Format-JsonText $Data) }}
    if ($Type -eq 'REG_MULTI_SZ') {{
        $items = @()
        foreach ($s in @($Data)) {{ $items += (Format-JsonText $s) }}
        return '[' + ($items -join ',') + ']'
    }}
    $hex = New-Object System.Text.StringBuilder
    foreach ($x in @($Data)) {{ [void]$hex.Append(('{{0:x2}}' -f [int]$x)) }}
    return (Format-JsonText $hex.ToString())
}}

function Format-ValueJson($Value) {{
    if ($null -eq $Value) {{ return '{{"state":"absent"}}' }}
    return {value_json}
}}

function Format-TreeJson($Tree) {{
    $items = @()
    foreach ($Item in @($Tree)) {{
        if ($null -eq $Item.Name) {{ $items += ({tree_key}) }}
        else {{ $items += ({tree_value}) }}
    }}
    return '[' + ($items -join ',') + ']'
}}

function Format-EntryJson($Entry) {{
    if ($Entry.Kind -eq 'run-command') {{ return {command_json} }}
    if ($Entry.Kind -eq 'delete-key') {{ return {delete_key_json} }}
    return {entry_json}
}}

function Get-Sha256Hex([string]$Text) {{
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $hash = $sha.ComputeHash([System.Text.Encoding]::ASCII.GetBytes($Text))
    $hex = New-Object System.Text.StringBuilder
    foreach ($x in $hash) {{ [void]$hex.Append(('{{0:x2}}' -f [int]$x)) }}
    return $hex.ToString()
}}

# --- the registry, through .NET (exact kinds and bytes) ---
function Get-Root([string]$Hive) {{
    if ($Hive -eq 'HKLM') {{ return [Microsoft.Win32.Registry]::LocalMachine }}
    return [Microsoft.Win32.Registry]::CurrentUser
}}

function Get-MachineGuid {{
    $k = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey('SOFTWARE\Microsoft\Cryptography', $false)
    if ($null -eq $k) {{ return $null }}
    try {{ return $k.GetValue('MachineGuid', $null) }} finally {{ $k.Close() }}
}}

function Read-Value([string]$Hive, [string]$Path, [string]$Name) {{
    $k = (Get-Root $Hive).OpenSubKey($Path, $false)
    if ($null -eq $k) {{ return $null }}
    try {{ return (Read-OpenValue $k $Name) }} finally {{ $k.Close() }}
}}

function Read-OpenValue($Key, [string]$Name) {{
    if (-not (@($Key.GetValueNames()) -contains $Name)) {{ return $null }}
    $kind = [string]$Key.GetValueKind($Name)
    $raw = $Key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    if ($kind -eq 'DWord') {{ return @{{ Type = 'REG_DWORD'; Data = [BitConverter]::ToUInt32([BitConverter]::GetBytes([int32]$raw), 0) }} }}
    if ($kind -eq 'QWord') {{ return @{{ Type = 'REG_QWORD'; Data = [BitConverter]::ToUInt64([BitConverter]::GetBytes([int64]$raw), 0) }} }}
    if ($kind -eq 'String') {{ return @{{ Type = 'REG_SZ'; Data = [string]$raw }} }}
    if ($kind -eq 'ExpandString') {{ return @{{ Type = 'REG_EXPAND_SZ'; Data = [string]$raw }} }}
    if ($kind -eq 'MultiString') {{ return @{{ Type = 'REG_MULTI_SZ'; Data = [string[]]$raw }} }}
    if ($kind -eq 'Binary') {{ return @{{ Type = 'REG_BINARY'; Data = [byte[]]$raw }} }}
    throw ('cannot back up ' + $Key.Name + '\' + $Name + ': its type (' + $kind + ') is not one .NET can write back exactly')
}}

function Read-Tree([string]$Hive, [string]$Path) {{
    $items = @()
    $k = (Get-Root $Hive).OpenSubKey($Path, $false)
    if ($null -eq $k) {{ return ,$items }}
    try {{
        $full = $Hive + '\' + $Path
        $names = @($k.GetValueNames())
        $items += @{{ Key = $full; Name = $null; Value = $null }}
        foreach ($n in $names) {{ $items += @{{ Key = $full; Name = $n; Value = (Read-OpenValue $k $n) }} }}
        foreach ($sub in @($k.GetSubKeyNames())) {{ $items += (Read-Tree $Hive ($Path + '\' + $sub)) }}
    }} finally {{ $k.Close() }}
    return ,$items
}}

function ConvertTo-DotNet($Value) {{
    $t = $Value.Type
    if ($t -eq 'REG_DWORD') {{ return @([Microsoft.Win32.RegistryValueKind]::DWord, [BitConverter]::ToInt32([BitConverter]::GetBytes([uint32]$Value.Data), 0)) }}
    if ($t -eq 'REG_QWORD') {{ return @([Microsoft.Win32.RegistryValueKind]::QWord, [BitConverter]::ToInt64([BitConverter]::GetBytes([uint64]$Value.Data), 0)) }}
    if ($t -eq 'REG_SZ') {{ return @([Microsoft.Win32.RegistryValueKind]::String, [string]$Value.Data) }}
    if ($t -eq 'REG_EXPAND_SZ') {{ return @([Microsoft.Win32.RegistryValueKind]::ExpandString, [string]$Value.Data) }}
    if ($t -eq 'REG_MULTI_SZ') {{ return @([Microsoft.Win32.RegistryValueKind]::MultiString, ([string[]]@($Value.Data))) }}
    return @([Microsoft.Win32.RegistryValueKind]::Binary, ([byte[]]@($Value.Data)))
}}

function Write-Value([string]$Hive, [string]$Path, [string]$Name, $Value) {{
    if ($null -eq $Value) {{ Remove-Value $Hive $Path $Name; return }}
    $pair = ConvertTo-DotNet $Value
    $k = (Get-Root $Hive).CreateSubKey($Path)
    try {{ $k.SetValue($Name, $pair[1], $pair[0]) }} finally {{ $k.Close() }}
}}

function Set-Kind([string]$Hive, [string]$Path, [string]$Name, $Kind, $Data) {{
    $k = (Get-Root $Hive).CreateSubKey($Path)
    try {{ $k.SetValue($Name, $Data, [Microsoft.Win32.RegistryValueKind]$Kind) }} finally {{ $k.Close() }}
}}

function Remove-Value([string]$Hive, [string]$Path, [string]$Name) {{
    $k = (Get-Root $Hive).OpenSubKey($Path, $true)
    if ($null -eq $k) {{ return }}
    try {{ $k.DeleteValue($Name, $false) }} finally {{ $k.Close() }}
}}

function Remove-Tree([string]$Hive, [string]$Path) {{
    $k = (Get-Root $Hive).OpenSubKey($Path, $false)
    if ($null -eq $k) {{ return }}
    $k.Close()
    (Get-Root $Hive).DeleteSubKeyTree($Path)
}}

function Restore-Tree([string]$Hive, $Tree) {{
    foreach ($Item in @($Tree)) {{
        $path = $Item.Key.Substring($Hive.Length + 1)
        if ($null -eq $Item.Name) {{ (Get-Root $Hive).CreateSubKey($path).Close() }}
        else {{ Write-Value $Hive $path $Item.Name $Item.Value }}
    }}
}}

function Invoke-Line([string]$Shell, [string]$Command) {{
    if ($Shell -eq 'cmd') {{
        $out = (& cmd.exe /d /c $Command 2>&1 | Out-String)
        if ($LASTEXITCODE -ne 0) {{ throw ('exit ' + $LASTEXITCODE + ': ' + $out.Trim()) }}
        return $out
    }}
    return (& ([scriptblock]::Create($Command)) 2>&1 | Out-String)
}}

# --- the journal: rewritten whole (temporary file, then renamed over) at every change ---
function Get-JournalBody($Journal) {{
    $parts = @()
    foreach ($Entry in $Journal.Entries) {{ $parts += (Format-EntryJson $Entry) }}
    return {body_json}
}}

function Save-Journal($Journal) {{
    if ($null -eq $Journal.Path) {{ return }}
    $body = Get-JournalBody $Journal
    $text = $body.Substring(0, $body.Length - 1) + ',"checksum":"sha256:' + (Get-Sha256Hex $body) + '"}}'
    $folder = Split-Path -Parent $Journal.Path
    if (-not (Test-Path -LiteralPath $folder)) {{ [void](New-Item -ItemType Directory -Path $folder -Force) }}
    $temp = $Journal.Path + '.part'
    [System.IO.File]::WriteAllText($temp, $text + "`n", (New-Object System.Text.UTF8Encoding $false))
    if (Test-Path -LiteralPath $Journal.Path) {{ [System.IO.File]::Replace($temp, $Journal.Path, $null) }}
    else {{ [System.IO.File]::Move($temp, $Journal.Path) }}
}}

function New-Journal([string]$Path, [string]$ToolJson) {{
    $created = [DateTime]::UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
    $journal = @{{ Path = $null; Wanted = $Path; Created = $created; State = 'applying'; Entries = (New-Object System.Collections.ArrayList); ToolJson = $ToolJson; TargetJson = '' }}
    $journal.TargetJson = {target_json}
    return $journal
}}
"""
