r"""The reg.exe backend, run for real: Wine's ``reg`` against a throwaway ``WINEPREFIX``.

Values are written through ``RegExeBackend`` and read back by an independent ``wine reg export``
(and the other way round), so what is pinned is what reg stores, not what we think we sent.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from onedrive_doctor.registry import RegExeBackend, RegType
from onedrive_doctor.registry._regexe import multi_sz_argument
from onedrive_doctor.registry.regfile import RegData
from winereg import WinePrefix, needs_wine, wine_prefix

__all__ = ["wine_prefix"]

KEY = r"HKCU\Software\OneDriveDoctorTest"

# Every type, with the data that is hard to put on a command line.
VALUES: list[tuple[str, int, RegData]] = [
    ("Plain", RegType.SZ, "hello world"),
    ("Quotes", RegType.SZ, 'say "hi" \\ and end with a backslash\\'),
    ("Empty", RegType.SZ, ""),
    ("Slash", RegType.SZ, "/f looks like a switch"),
    ("Unicode", RegType.SZ, "é€ 😀 ß"),
    ("Percent", RegType.EXPAND_SZ, r"%SystemRoot%\System32"),
    ("Multi", RegType.MULTI_SZ, ("TLS_AES_256_GCM_SHA384", "with space", "trailing\\")),
    ("MultiBackslashZero", RegType.MULTI_SZ, (r"C:\0dir", "b")),  # needs /s
    ("MultiEmpty", RegType.MULTI_SZ, ()),
    ("MultiEmptyItem", RegType.MULTI_SZ, ("a", "", "b")),  # reg add refuses: reg import
    ("DwordZero", RegType.DWORD, 0),
    ("DwordMax", RegType.DWORD, 0xFFFFFFFF),
    ("Qword", RegType.QWORD, 0x1122334455667788),
    ("Binary", RegType.BINARY, bytes(range(0, 256, 7))),
    ("BinaryEmpty", RegType.BINARY, b""),
    ("None", RegType.NONE, b"\x0a\x0b"),  # reg add would store the text: reg import
    ("BigEndian", RegType.DWORD_BIG_ENDIAN, 5),
    ("ResourceList", RegType.RESOURCE_LIST, b"\x01\x02"),
    ('na"me\\', RegType.SZ, "odd name"),
    ("", RegType.SZ, "the default value"),
]


@needs_wine
@pytest.mark.wine
def test_every_value_type_set_through_reg_reads_back_exactly(
    wine_prefix: WinePrefix, tmp_path: Path
) -> None:
    backend = wine_prefix.backend()
    for name, type_, data in VALUES:
        backend.set_value(KEY, name, type_, data)
    exported = wine_prefix.export(KEY, tmp_path / "out.reg")
    assert exported is not None
    got = sorted((v.name, v.type, v.data) for v in exported.values(KEY))
    assert got == sorted((name, int(type_), data) for name, type_, data in VALUES)
    # And through the backend's own reading (reg export to a temporary file).
    multi = backend.read_value(KEY, "MultiBackslashZero")
    assert multi is not None and multi.data == (r"C:\0dir", "b")
    default = backend.read_value(KEY.lower(), "")
    assert default is not None and default.data == "the default value"


@needs_wine
@pytest.mark.wine
def test_absent_values_and_keys_are_none_and_present_ones_are_found(
    wine_prefix: WinePrefix,
) -> None:
    backend = wine_prefix.backend()
    key = KEY + r"\Absent\Deeper"
    added = wine_prefix.reg("add", KEY + r"\Present", "/v", "X", "/t", "REG_DWORD", "/d", "7", "/f")
    assert added.returncode == 0, added.stderr
    assert backend.key_exists(KEY + r"\Present") is True
    assert backend.key_exists(key) is False  # proved: the parent listing lacks it
    assert backend.read_value(key, "Enabled") is None
    assert backend.read_value(KEY + r"\Present", "Missing") is None
    found = backend.read_value(KEY + r"\Present", "x")
    assert found is not None and (found.type, found.data) == (RegType.DWORD, 7)


@needs_wine
@pytest.mark.wine
def test_delete_value_and_key_say_whether_something_was_there(
    wine_prefix: WinePrefix, tmp_path: Path
) -> None:
    backend = wine_prefix.backend()
    key = KEY + r"\Deletable"
    backend.set_value(key + r"\Child\Grandchild", "G", RegType.DWORD, 1)
    backend.set_value(key, "V", RegType.SZ, "v")
    backend.set_value(key, "", RegType.SZ, "default")
    assert backend.delete_value(key, "V") is True
    assert backend.delete_value(key, "V") is False
    assert backend.delete_value(key, "") is True
    assert backend.read_value(key, "") is None
    assert backend.delete_key(key) is True
    assert backend.key_exists(key) is False
    assert wine_prefix.export(key, tmp_path / "gone.reg") is None
    assert backend.delete_key(key) is False
    with pytest.raises(ValueError, match="root"):
        backend.delete_key("HKCU")


@needs_wine
@pytest.mark.wine
def test_the_32_bit_view_writes_wow6432node(wine_prefix: WinePrefix, tmp_path: Path) -> None:
    assert wine_prefix.env  # a 64-bit prefix (Debian's wine is wine64)
    backend = RegExeBackend(
        wine_prefix.backend()._command, env=wine_prefix.env, view=32, timeout=120
    )
    backend.set_value(r"HKLM\SOFTWARE\OneDriveDoctorView", "Bits", RegType.DWORD, 32)
    wow = wine_prefix.export(r"HKLM\SOFTWARE\WOW6432Node\OneDriveDoctorView", tmp_path / "w.reg")
    assert wow is not None
    value = wow.get_value(r"HKLM\SOFTWARE\WOW6432Node\OneDriveDoctorView", "Bits")
    assert value is not None and value.data == 32


# --- without Wine ---------------------------------------------------------------------------


def test_a_reg_that_cannot_run_is_an_error_never_absent() -> None:
    backend = RegExeBackend(("false",), timeout=10)
    with pytest.raises(OSError, match="cannot read"):
        backend.read_value(r"HKLM\SOFTWARE\X", "Y")
    with pytest.raises(OSError, match="cannot read"):
        backend.key_exists(r"HKLM\SOFTWARE\X")
    with pytest.raises(OSError, match="reg add failed"):
        backend.set_value(r"HKLM\SOFTWARE\X", "Y", RegType.DWORD, 1)


def test_every_reg_run_has_a_timeout() -> None:
    backend = RegExeBackend((sys.executable, "-c", "import time; time.sleep(30)"), timeout=0.5)
    with pytest.raises(TimeoutError, match=r"within 0\.5 s"):
        backend.key_exists(r"HKLM\SOFTWARE\X")


def test_data_that_does_not_fit_its_type_is_refused_before_reg_runs() -> None:
    backend = RegExeBackend(("false",), timeout=10)
    with pytest.raises(ValueError, match="REG_DWORD"):
        backend.set_value(r"HKLM\SOFTWARE\X", "Y", RegType.DWORD, 1 << 32)
    with pytest.raises(ValueError, match="registry key path"):
        backend.set_value(r"HKXX\SOFTWARE\X", "Y", RegType.DWORD, 1)


def test_multi_sz_separator_is_one_that_splits_back_into_the_items() -> None:
    assert multi_sz_argument(("a", "b")) == ("\\0", "a\\0b")
    assert multi_sz_argument(("a\\", "0b")) == ("\\0", "a\\\\00b")
    assert multi_sz_argument((r"a\0", "b")) == ("|", r"a\0|b")
    assert multi_sz_argument(()) == ("\\0", "")
    assert multi_sz_argument(("a", "")) is None
    assert multi_sz_argument(("\\0|;~#^`",)) is None


@pytest.mark.windows_only
@pytest.mark.skipif(sys.platform != "win32", reason="needs Windows' own reg.exe")
def test_windows_reg_exe_round_trips_a_value() -> None:
    backend = RegExeBackend()
    key = r"HKCU\Software\OneDriveDoctorTest"
    try:
        backend.set_value(key, "Multi", RegType.MULTI_SZ, ("a", "b c"))
        value = backend.read_value(key, "Multi")
        assert value is not None and value.data == ("a", "b c")
    finally:
        backend.delete_key(key)


@needs_wine
@pytest.mark.wine
def test_tree_lists_each_key_then_its_values_and_create_key_makes_an_empty_one(
    wine_prefix: WinePrefix,
) -> None:
    backend = wine_prefix.backend()
    key = KEY + r"\Tree"
    backend.set_value(key, "A", RegType.DWORD, 1)
    backend.create_key(key + r"\Empty")
    backend.set_value(key + r"\Sub", "B", RegType.SZ, "b")
    tree = [(k, None if v is None else (v.name, v.data)) for k, v in backend.tree(key)]
    assert tree == [
        (key, None),
        (key, ("A", 1)),
        (key + r"\Empty", None),
        (key + r"\Sub", None),
        (key + r"\Sub", ("B", "b")),
    ]
    assert backend.tree(key + r"\Nope") == []


@needs_wine
@pytest.mark.wine
def test_the_fix_engine_applies_and_undoes_a_plan_through_reg(
    wine_prefix: WinePrefix, tmp_path: Path
) -> None:
    engine = pytest.importorskip("onedrive_doctor.fixes.engine", reason="engine not merged")
    journals = pytest.importorskip("onedrive_doctor.fixes.journal", reason="engine not merged")
    from exportplans import scenario_steps
    from onedrive_doctor.fixes import DeleteKey, Hive, ManualStep, Plan, PlanStep, SetValue

    steps = [
        *scenario_steps(tmp_path, "win10-tls12-off", ("SCH001", "INE001")),
        *scenario_steps(tmp_path, "win10-ecdh-off", ("SCH005",)),
        PlanStep("X001", DeleteKey(Hive.HKCU, r"Software\OneDriveDoctorTest\Gone")),
    ]
    plan = Plan(tuple(s for s in steps if not isinstance(s.change, ManualStep)))
    backend = wine_prefix.backend()
    schannel = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
    inet = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
    backend.set_value(schannel + r"\Protocols\TLS 1.2\Client", "Enabled", RegType.DWORD, 0)
    backend.delete_value(schannel + r"\Protocols\TLS 1.2\Client", "DisabledByDefault")
    backend.set_value(schannel + r"\KeyExchangeAlgorithms\ECDH", "Enabled", RegType.DWORD, 0)
    backend.set_value(inet, "SecureProtocols", RegType.DWORD, 0xA0)
    backend.set_value(KEY + r"\Gone\Sub", "Kept", RegType.MULTI_SZ, ("x", "y"))
    before = [(k, v.data if v else None) for k, v in backend.tree(KEY + r"\Gone")]

    journal_path = tmp_path / "journal.json"
    engine.apply(plan, backend, journal_path, include_confirm=True)
    for step in plan.steps:
        change = step.change
        if isinstance(change, SetValue):
            value = backend.read_value(change.full_key, change.name)
            assert value is not None and value.data == change.after
    assert backend.read_value(schannel + r"\KeyExchangeAlgorithms\ECDH", "Enabled") is None
    assert backend.key_exists(KEY + r"\Gone") is False

    engine.undo(journals.read_journal(journal_path), backend, journal_path)
    enabled = backend.read_value(schannel + r"\Protocols\TLS 1.2\Client", "Enabled")
    assert enabled is not None and enabled.data == 0
    assert backend.read_value(schannel + r"\Protocols\TLS 1.2\Client", "DisabledByDefault") is None
    ecdh = backend.read_value(schannel + r"\KeyExchangeAlgorithms\ECDH", "Enabled")
    assert ecdh is not None and ecdh.data == 0
    secure = backend.read_value(inet, "SecureProtocols")
    assert secure is not None and secure.data == 0xA0
    assert [(k, v.data if v else None) for k, v in backend.tree(KEY + r"\Gone")] == before
