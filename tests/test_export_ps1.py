r"""``--export-ps1``: the script parses, stays within PowerShell 2.0, and writes journal v1.

No PowerShell runs here (Debian and PyPI have none), so what the script does at run time is
pinned in three ways: every script parses with zero ERROR / MISSING nodes under the tree-sitter
PowerShell grammar; the one function that has to match Python's ``json.dumps`` character for
character (``Format-JsonText``) is read out of the script and its table of escapes is run
over every UTF-16 code unit against ``json.dumps``; and the JSON objects the script builds are
read out of the script (their keys, in the order written) and a journal built the same way is
checked against the format v1 rules and its checksum.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from exportplans import mixed_plan
from onedrive_doctor.errors import InputError
from onedrive_doctor.fixes import (
    ABSENT,
    DeleteKey,
    DeleteValue,
    Hive,
    Plan,
    PlanStep,
    SetValue,
    ValueType,
)
from onedrive_doctor.fixes._ps_runtime import JSON_TEXT_FUNCTION, canonical_json, ps_string
from onedrive_doctor.fixes.export_ps1 import after_json, export_ps1, render_ps1
from psparse import parse_errors, ps2_problems

ODD = "quote ' double \" back \\ tab \t nl \n é € 😀 \x7f \x01"


def every_type_plan() -> Plan:
    """Every value type, odd names and data, deletes of values and of a key, HKLM and HKCU."""
    key = r"Software\OneDriveDoctorTest"
    values: list[tuple[ValueType, Any]] = [
        (ValueType.REG_SZ, ODD),
        (ValueType.REG_EXPAND_SZ, r"%SystemRoot%\System32"),
        (ValueType.REG_MULTI_SZ, ("a", ODD, "")),
        (ValueType.REG_MULTI_SZ, ()),
        (ValueType.REG_DWORD, 0xFFFFFFFF),
        (ValueType.REG_DWORD, 0x800),
        (ValueType.REG_QWORD, 0xFFFFFFFFFFFFFFFF),
        (ValueType.REG_BINARY, b"\x00\xff\x10"),
        (ValueType.REG_BINARY, b""),
    ]
    steps = [
        PlanStep("X001", SetValue(Hive.HKCU, key, f"v{i} {ODD}", t, d, before=ABSENT))
        for i, (t, d) in enumerate(values)
    ]
    steps.append(PlanStep("X002", DeleteValue(Hive.HKLM, r"SOFTWARE\X", "", before=ABSENT)))
    steps.append(PlanStep("X003", DeleteKey(Hive.HKLM, r"SOFTWARE\X\Y z")))
    return Plan(tuple(steps), after=(f"Sign in again {ODD}",))


@pytest.mark.parametrize("which", ["mixed", "every-type", "empty"])
def test_generated_ps1_parses_with_zero_error_nodes(tmp_path: Path, which: str) -> None:
    plan = {
        "mixed": mixed_plan,
        "every-type": lambda _: every_type_plan(),
        "empty": lambda _: Plan(),
    }[which](tmp_path)
    text = render_ps1(plan, target_note=f"PC-17 {ODD}")
    assert parse_errors(text) == []
    assert ps2_problems(text) == []
    assert text.isascii() and "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "[CmdletBinding(SupportsShouldProcess=$true)]" in text
    assert text.index("[CmdletBinding") < text.index("function ")  # param block first


def test_script_backs_up_before_the_first_change_and_rolls_back_on_failure(tmp_path: Path) -> None:
    text = render_ps1(mixed_plan(tmp_path), target_note="PC-17")
    backup = text.index("# Back up first")
    assert backup < text.index("Set-Kind $s.Hive")
    assert "Stop-Fix 1 ('nothing changed: ' + $_.Exception.Message)" in text
    # The entry is on disk as pending before the change, applied after.
    pending = text.index("[void]$Journal.Entries.Add($e)")
    assert pending < text.index("Save-Journal $Journal", pending) < text.index("Set-Kind $s.Hive")
    assert "$e.Status = 'applied'" in text
    assert "for ($i = $Journal.Entries.Count - 1; $i -ge 0; $i--)" in text  # reverse order
    assert "Stop-Fix 4 (" in text and "Stop-Fix 5 (" in text
    assert "$PSCmdlet.ShouldProcess($s.Text, $s.Check)" in text
    # HKLM steps: refuse without elevation; the command and the manual steps are there too.
    assert "$NeedsAdmin = $true" in text and "IsInRole" in text
    assert "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0" in text
    assert "OS002: Upgrade the PC to a supported Windows 11 release." in text


# --- the JSON the script writes -------------------------------------------------------------


def _escape_table(function: str) -> tuple[dict[int, str], tuple[int, int], str]:
    """The ``if ($n -eq N) { Append('X') }`` branches, the \\u range, and its format."""
    table = {
        int(code): text
        for code, text in re.findall(
            r"if \(\$n -eq (\d+)\) \{ \[void\]\$b\.Append\('([^']*)'\) \}", function
        )
    }
    low, high = re.search(r"\$n -lt (\d+) -or \$n -gt (\d+)", function).groups()  # type: ignore[union-attr]
    fmt = re.search(r"Append\(\('(\\u\{0:x4\})' -f \$n\)\)", function).group(1)  # type: ignore[union-attr]
    return table, (int(low), int(high)), fmt


def _run_table(table: dict[int, str], bounds: tuple[int, int], text: str) -> str:
    units = text.encode("utf-16-le", errors="surrogatepass")
    out = ['"']
    for i in range(0, len(units), 2):
        n = int.from_bytes(units[i : i + 2], "little")
        if n in table:
            out.append(table[n])
        elif n < bounds[0] or n > bounds[1]:
            out.append(f"\\u{n:04x}")  # the '\u{0:x4}' -f $n of the script
        else:
            out.append(chr(n))
    out.append('"')
    return "".join(out)


def test_json_text_function_escapes_every_code_unit_as_json_dumps() -> None:
    text = render_ps1(every_type_plan(), target_note="x")
    assert JSON_TEXT_FUNCTION.replace("\n", "\r\n") in text  # as reviewed, in the script
    table, bounds, fmt = _escape_table(JSON_TEXT_FUNCTION)
    assert fmt == "\\u{0:x4}"
    assert table == {34: '\\"', 92: "\\\\", 10: "\\n", 13: "\\r", 9: "\\t", 8: "\\b", 12: "\\f"}
    for n in range(0x10000):
        char = chr(n)
        expected = json.dumps(char, ensure_ascii=True)
        assert _run_table(table, bounds, char) == expected, hex(n)
    for sample in (ODD, "😀", "a\ud800b", ""):
        assert _run_table(table, bounds, sample) == json.dumps(sample, ensure_ascii=True)


def test_ps_string_literals_give_back_the_text_in_utf16_units() -> None:
    for sample in (ODD, "", "plain", "it's", "😀x", "\x00"):
        literal = ps_string(sample)
        assert literal.isascii()
        pieces = re.findall(r"'((?:[^']|'')*)'|\[string\]\[char\]0x([0-9a-f]{4})", literal)
        units = "".join(
            text.replace("''", "'") if not code else chr(int(code, 16)) for text, code in pieces
        )
        as_utf16 = sample.encode("utf-16-le", "surrogatepass")
        assert units.encode("utf-16-le", "surrogatepass") == as_utf16


def _object_keys(text: str, marker: str) -> list[str]:
    """The keys of the JSON object a generated ``return '{"k":' + ... + '}'`` line builds."""
    line = next(line for line in text.splitlines() if line.strip().startswith(marker))
    return re.findall(r"'[{,]\"([a-z_]+)\":'", line)


def test_journal_objects_are_built_with_the_format_keys_in_canonical_order() -> None:
    text = render_ps1(every_type_plan(), target_note="x")
    entry = _object_keys(text, 'return \'{"after":')
    command = _object_keys(text, "if ($Entry.Kind -eq 'run-command') { return")
    delete_key = _object_keys(text, "if ($Entry.Kind -eq 'delete-key') { return")
    body = _object_keys(text, 'return \'{"created"')
    target = _object_keys(text, "$journal.TargetJson = ")
    assert entry == sorted({"index", "check", "kind", "key", "name", "before", "after", "status"})
    assert delete_key == sorted([*entry, "before_tree"])
    assert command == sorted(
        {"index", "check", "kind", "command", "shell", "undo", "status", "output"}
    )
    assert body == sorted(["journal_version", "tool", "created", "target", "state", "entries"])
    assert target == ["computer", "kind", "machine_guid"]
    assert "',\"checksum\":\"sha256:' + (Get-Sha256Hex $body) + '\"}'" in text


# A validator written from the format v1 text (not from the engine's reader).
_TYPES = {"REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_MULTI_SZ", "REG_QWORD"}


def _valid_value(value: Any) -> bool:
    if value == {"state": "absent"}:
        return True
    if set(value) != {"state", "type", "data"} or value["state"] != "present":
        return False
    kind, data = value["type"], value["data"]
    if kind in ("REG_DWORD", "REG_QWORD"):
        return isinstance(data, int) and 0 <= data < 1 << (32 if kind == "REG_DWORD" else 64)
    if kind in ("REG_SZ", "REG_EXPAND_SZ"):
        return isinstance(data, str)
    if kind == "REG_MULTI_SZ":
        return isinstance(data, list) and all(isinstance(s, str) for s in data)
    assert kind in _TYPES or re.fullmatch(r"REG_TYPE_\d+", kind)
    return isinstance(data, str) and re.fullmatch(r"[0-9a-f]*", data) is not None


def validate_v1(raw: bytes) -> dict[str, Any]:
    assert not raw.startswith(b"\xef\xbb\xbf")
    journal = json.loads(raw.decode("utf-8"))
    assert set(journal) == {
        "journal_version",
        "tool",
        "created",
        "target",
        "state",
        "entries",
        "checksum",
    }
    assert journal["journal_version"] == 1
    assert journal["tool"]["name"] == "onedrive-doctor"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", journal["created"])
    assert journal["state"] in ("applying", "applied", "rolled-back", "undone")
    assert journal["target"]["kind"] == "live"
    assert set(journal["target"]) == {"kind", "computer", "machine_guid"}
    for index, entry in enumerate(journal["entries"]):
        assert entry["index"] == index and entry["status"] in (
            "pending",
            "applied",
            "rolled-back",
            "undone",
        )
        keys = {"index", "check", "kind", "key", "name", "before", "after", "status"}
        if entry["kind"] == "run-command":
            keys = {"index", "check", "kind", "command", "shell", "undo", "status", "output"}
        elif entry["kind"] == "delete-key":
            keys.add("before_tree")
            assert entry["name"] is None
            for item in entry["before_tree"]:
                assert set(item) == {"key", "name", "type", "data"}
        else:
            assert entry["kind"] in ("set-value", "delete-value")
        assert set(entry) == keys
        if entry["kind"] != "run-command":
            assert _valid_value(entry["before"]) and _valid_value(entry["after"])
    body = {k: v for k, v in journal.items() if k != "checksum"}
    digest = hashlib.sha256(canonical_json(body).encode("ascii")).hexdigest()
    assert journal["checksum"] == "sha256:" + digest
    return journal


def _as_the_script_writes(plan: Plan) -> bytes:
    """A journal as Save-Journal writes it: the canonical body, the checksum before its ``}``."""
    entries: list[str] = []
    for index, step in enumerate(plan.steps):
        change = step.change
        if isinstance(change, (SetValue, DeleteValue, DeleteKey)):
            fields: dict[str, str] = {
                "after": after_json(change),
                "before": '{"state":"absent"}',
                "check": canonical_json(step.check_id),
                "index": str(index),
                "key": canonical_json(change.full_key),
                "kind": canonical_json(change.kind),
                "name": "null" if isinstance(change, DeleteKey) else canonical_json(change.name),
                "status": '"applied"',
            }
            if isinstance(change, DeleteKey):
                fields["before_tree"] = (
                    '[{"data":null,"key":'
                    + canonical_json(change.full_key)
                    + ',"name":null,"type":null}]'
                )
            keys = sorted(fields)
            entries.append("{" + ",".join(f'"{k}":{fields[k]}' for k in keys) + "}")
    body = (
        '{"created":"2026-12-01T23:40:00Z","entries":[' + ",".join(entries) + "]"
        ',"journal_version":1,"state":"applied","target":{"computer":'
        + canonical_json(f"PC-{ODD}")
        + ',"kind":"live","machine_guid":null},"tool":'
        + canonical_json({"name": "onedrive-doctor", "version": "0.1.0"})
        + "}"
    )
    digest = hashlib.sha256(body.encode("ascii")).hexdigest()
    return (body[:-1] + ',"checksum":"sha256:' + digest + '"}\n').encode("utf-8")


def test_a_journal_built_as_the_script_builds_it_is_valid_v1() -> None:
    plan = every_type_plan()
    journal = validate_v1(_as_the_script_writes(plan))
    assert [e["kind"] for e in journal["entries"]][-2:] == ["delete-value", "delete-key"]
    assert journal["entries"][4]["after"] == {
        "data": 0xFFFFFFFF,
        "state": "present",
        "type": "REG_DWORD",
    }
    assert journal["entries"][7]["after"]["data"] == "00ff10"
    # And it is the canonical body: what the script hashes is what a reader recomputes.
    edited = _as_the_script_writes(plan).replace(b'"X003"', b'"X004"')
    with pytest.raises(AssertionError):
        validate_v1(edited)


def test_export_ps1_writes_ascii_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "fix.ps1"
    target.write_text("mine")
    plan = mixed_plan(tmp_path)
    with pytest.raises(InputError, match="exists already"):
        export_ps1(plan, target, target_note="PC-17")
    assert target.read_text() == "mine"
    (written,) = export_ps1(plan, target, target_note="PC-17", force=True)
    assert written == target and target.read_bytes().startswith(b"# Written by onedrive-doctor")


def test_undo_reads_a_journal_built_as_the_script_builds_it(tmp_path: Path) -> None:
    from onedrive_doctor.fixes.journal import JournalError, read_journal

    path = tmp_path / "fix-20261201T234000Z.json"
    path.write_bytes(_as_the_script_writes(every_type_plan()))
    journal = read_journal(path)
    assert journal.state == "applied" and len(journal.entries) == len(every_type_plan().steps)
    assert journal.target == {"kind": "live", "computer": f"PC-{ODD}", "machine_guid": None}
    path.write_bytes(_as_the_script_writes(every_type_plan()).replace(b'"X003"', b'"X004"'))
    with pytest.raises(JournalError, match=r"edited|checksum"):
        read_journal(path)
