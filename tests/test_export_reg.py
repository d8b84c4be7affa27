r"""``--export-reg``: the plan as a .reg file and its way back, imported for real by Wine's reg.

The fix file is imported into a Wine registry that holds the values before (seeded through the
reg.exe backend), read back with ``reg export``, and must hold exactly what the plan says; then
the before file is imported and the values before must be back (absent ones absent again).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exportplans import LOCAL_SUITES, mixed_plan
from onedrive_doctor.errors import InputError
from onedrive_doctor.fixes import (
    ABSENT,
    DeleteKey,
    Hive,
    Missing,
    Plan,
    PlanStep,
    SetValue,
    ValueType,
)
from onedrive_doctor.fixes.export_common import registry_steps
from onedrive_doctor.fixes.export_reg import before_path, export_reg
from onedrive_doctor.registry import RegistryModel, parse_reg
from onedrive_doctor.registry.regfile import RegData
from winereg import WinePrefix, needs_wine, wine_path, wine_prefix

__all__ = ["wine_prefix"]


def _promised(plan: Plan, *, before: bool) -> dict[tuple[str, str], RegData | None]:
    """(key, name) -> data the registry must hold after the fix (or before it); None absent."""
    out: dict[tuple[str, str], RegData | None] = {}
    for _, change in registry_steps(plan):
        assert not isinstance(change, DeleteKey)
        where = (change.full_key, change.name)
        if before:
            assert not isinstance(change.before, Missing) or change.before is ABSENT
            out.setdefault(where, None if change.before is ABSENT else change.before)  # type: ignore[arg-type]
        else:
            out[where] = change.after if isinstance(change, SetValue) else None
    return out


def _holds(
    prefix: WinePrefix, tmp_path: Path, promised: dict[tuple[str, str], RegData | None]
) -> dict[tuple[str, str], RegData | None]:
    got: dict[tuple[str, str], RegData | None] = {}
    for index, (key, name) in enumerate(promised):
        model = prefix.export(key, tmp_path / f"read{index}.reg") or RegistryModel()
        value = model.get_value(key, name)
        got[(key, name)] = None if value is None else value.data
    return got


@needs_wine
@pytest.mark.wine
def test_exported_reg_imported_by_wine_holds_the_plan_and_before_file_restores(
    wine_prefix: WinePrefix, tmp_path: Path
) -> None:
    plan = mixed_plan(tmp_path)
    before = _promised(plan, before=True)
    after = _promised(plan, before=False)
    backend = wine_prefix.backend()
    for _, change in registry_steps(plan):  # the PC as the plan saw it
        if change.before is not ABSENT and not isinstance(change.before, Missing):
            type_ = change.value_type.reg_type if isinstance(change, SetValue) else 4
            backend.set_value(change.full_key, change.name, type_, change.before)
    assert _holds(wine_prefix, tmp_path, before) == before

    fix, back = export_reg(plan, tmp_path / "fix.reg")
    assert (fix.name, back.name) == ("fix.reg", "fix.before.reg")
    done = wine_prefix.reg("import", wine_path(fix))
    assert done.returncode == 0, done.stderr
    assert _holds(wine_prefix, tmp_path, after) == after
    assert after[(rf"HKLM\{LOCAL_SUITES}", "Functions")] == (
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    )

    done = wine_prefix.reg("import", wine_path(back))
    assert done.returncode == 0, done.stderr
    assert _holds(wine_prefix, tmp_path, before) == before


def test_reg_files_are_regedit_format_and_list_what_they_cannot_hold(tmp_path: Path) -> None:
    plan = mixed_plan(tmp_path)
    fix, back = export_reg(plan, tmp_path / "out" / "fix.reg")
    for path in (fix, back):
        data = path.read_bytes()
        assert data.startswith(b"\xff\xfe")
        text = data[2:].decode("utf-16-le")
        assert text.startswith("Windows Registry Editor Version 5.00\r\n; Written by")
        assert "\n" not in text.replace("\r\n", "")
        parse_reg(data, path.name)  # our parser reads it back
    text = fix.read_bytes()[2:].decode("utf-16-le")
    # Every command and manual step is named in the header: nothing dropped silently.
    assert "; Not in this file (a .reg cannot run commands or take these steps):" in text
    assert (
        ";   SCH002: (powershell) Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
        " -Position 0 (undo: Disable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)"
    ) in text
    assert ";   OS002: Upgrade the PC to a supported Windows 11 release." in text
    assert ";   Sign in to OneDrive again." in text
    # SCH002 and SCH005 both delete ECDH's Enabled: written once.
    assert text.count('"Enabled"=-') == 1
    back_text = back.read_bytes()[2:].decode("utf-16-le")
    assert "type assumed DWORD from its data" in back_text


def test_unknown_before_and_deleted_keys_are_named_not_silently_restorable(tmp_path: Path) -> None:
    plan = Plan(
        (
            PlanStep("X001", SetValue(Hive.HKCU, r"Software\A", "V", ValueType.REG_SZ, "new")),
            PlanStep("X002", DeleteKey(Hive.HKCU, r"Software\B")),
            PlanStep(
                "X003",
                SetValue(Hive.HKCU, r"Software\A", "W", ValueType.REG_DWORD, 1, before="text"),
            ),
        )
    )
    fix, back = export_reg(plan, tmp_path / "fix")
    assert back.name == "fix.before.reg"
    back_text = back.read_bytes()[2:].decode("utf-16-le")
    assert ";   HKCU\\Software\\A V" in back_text
    assert ";   the key HKCU\\Software\\B (deleted by the fix)" in back_text
    fix_text = fix.read_bytes()[2:].decode("utf-16-le")
    assert ';   reg export "HKCU\\Software\\B" saved-key.reg' in fix_text
    assert "[-HKEY_CURRENT_USER\\Software\\B]" in fix_text
    assert ";   HKCU\\Software\\A W: type assumed SZ from its data" in back_text
    restored = RegistryModel.from_reg(back.read_bytes(), "b").get_value(r"HKCU\Software\A", "W")
    assert restored is not None and (restored.type, restored.data) == (1, "text")


def test_export_reg_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    plan = mixed_plan(tmp_path)
    target = tmp_path / "fix.reg"
    before_path(target).write_text("mine")
    with pytest.raises(InputError, match="exists already"):
        export_reg(plan, target)
    assert before_path(target).read_text() == "mine" and not target.exists()
    export_reg(plan, target, force=True)
    assert before_path(target).read_bytes().startswith(b"\xff\xfe")
