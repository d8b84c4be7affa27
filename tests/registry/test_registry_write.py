"""The registry package: regedit-exact writer, the model's operations, the backends."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from onedrive_doctor.registry import (
    BundleBackend,
    RegistryBackend,
    RegistryModel,
    RegType,
    RegValue,
    UnsupportedPlatform,
    WinRegBackend,
    format_value,
    parse_reg,
    write_reg,
)
from regfiles import reg_bytes

EXPLORER = r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Explorer"
# As regedit exports it: 20 bytes after "ShellState"=hex: (77 characters), then 25 a line.
SHELL_STATE = (
    '"ShellState"=hex:24,00,00,00,1c,08,00,00,00,00,00,00,00,00,00,00,00,00,00,00,\\\n'
    "  01,00,00,00,13,00,00,00,00,00,00,00,6b,00,00,00"
)
# A REG_EXPAND_SZ of 60 characters: first line 20 bytes after "Path"=hex(2): (14 characters
# + 21 bytes = 77), then 25 bytes a line.
PATH_TEXT = "%SystemRoot%\\system32;%SystemRoot%;%SystemRoot%\\System32\\Wbem"


def _hex_lines(prefix: str, raw: bytes) -> str:
    first = max(1, -(-(77 - len(prefix)) // 3))
    chunks = [raw[:first].hex(",")] + [raw[i : i + 25].hex(",") for i in range(first, len(raw), 25)]
    return prefix + ",\\\n  ".join(chunks)


EXPORT = reg_bytes(
    rf"""[{EXPLORER}]
{SHELL_STATE}
"Link"=hex:1b,00,00,00
@="C:\\Program Files\\x \"quoted\""
"ShowFrequent"=dword:00000000""",
    r"""[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager\Environment]"""
    + "\n"
    + _hex_lines('"Path"=hex(2):', (PATH_TEXT + "\0").encode("utf-16-le"))
    + "\n"
    + _hex_lines('"Multi"=hex(7):', "a\0bc\0\0".encode("utf-16-le"))
    + "\n"
    + '"Q"=hex(b):00,00,00,00,01,00,00,00\n"None"=hex(0):\n"Big"=hex(5):00,00,00,0a\n'
    + '"Odd"=hex(4):01,02\n"Raw1"=hex(1):41,00,00,00,42,00,00,00',
    r"""[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager\Environment\Empty]""",
)


def test_parse_then_write_gives_the_same_bytes() -> None:
    ops = parse_reg(EXPORT, "export.reg")
    assert write_reg(ops) == EXPORT
    assert write_reg(RegistryModel.from_reg(EXPORT, "export.reg").to_ops()) == EXPORT


def test_the_test_bundles_round_trip_byte_for_byte() -> None:
    import winbundles

    blocks = [v for v in vars(winbundles).values() if isinstance(v, str) and v.startswith("[")]
    assert blocks, "winbundles has registry blocks"
    for block in blocks:
        data = reg_bytes(block)
        assert write_reg(parse_reg(data, "b.reg")) == data, block[:80]


@pytest.mark.parametrize("size", [1, 20, 21, 45, 46, 1000])
def test_hex_wraps_as_regedit_every_line_at_most_80(size: int) -> None:
    raw = bytes(range(256)) * 4
    value = RegValue("ShellState", RegType.BINARY, raw[:size], "", 0)
    text = format_value(value)
    lines = text.split("\r\n")
    assert text == _hex_lines('"ShellState"=hex:', raw[:size]).replace("\n", "\r\n")
    assert all(len(line) <= 80 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])
    assert len(lines) == (1 if size <= 20 else 1 + -(-(size - 20) // 25))


def test_a_name_longer_than_the_line_breaks_after_the_first_byte() -> None:
    value = RegValue("n" * 90, RegType.BINARY, b"\x01\x02\x03", "", 0)
    assert format_value(value) == f'"{"n" * 90}"=hex:01,\\\r\n  02,03'


def test_every_type_is_written_in_regedit_form() -> None:
    def line(type_: int, data: object, name: str = "v") -> str:
        return format_value(RegValue(name, type_, data, "", 0))  # type: ignore[arg-type]

    assert line(RegType.SZ, 'a\\b"c') == '"v"="a\\\\b\\"c"'
    assert line(RegType.SZ, "x", name="") == '@="x"'
    assert line(RegType.DWORD, 10) == '"v"=dword:0000000a'
    assert line(RegType.QWORD, 1) == '"v"=hex(b):01,00,00,00,00,00,00,00'
    assert line(RegType.EXPAND_SZ, "%A%") == '"v"=hex(2):25,00,41,00,25,00,00,00'
    assert line(RegType.MULTI_SZ, ("a", "b")) == '"v"=hex(7):61,00,00,00,62,00,00,00,00,00'
    assert line(RegType.MULTI_SZ, ()) == '"v"=hex(7):00,00'
    assert line(RegType.BINARY, b"") == '"v"=hex:'
    assert line(RegType.NONE, b"\x01") == '"v"=hex(0):01'
    assert line(0xFFFF0009, b"\x01") == '"v"=hex(ffff0009):01'
    assert line(RegType.DWORD_BIG_ENDIAN, 10) == '"v"=hex(5):00,00,00,0a'
    # A newline cannot stand in a quoted string: hex(1) keeps it.
    assert line(RegType.SZ, "a\nb") == '"v"=hex(1):61,00,0a,00,62,00,00,00'
    with pytest.raises(ValueError, match="does not fit registry type 4"):
        line(RegType.DWORD, 1 << 32)


def test_deletion_markers_and_default_value() -> None:
    data = reg_bytes(
        r"""[-HKEY_LOCAL_MACHINE\SOFTWARE\Old]""",
        '[HKEY_CURRENT_USER\\Software\\X]\n"gone"=-\n@=-\n@="d"',
    )
    ops = parse_reg(data, "fix.reg")
    assert write_reg(ops) == data


def test_model_operations_are_case_insensitive_and_keep_case_and_order() -> None:
    model = RegistryModel.from_reg(EXPORT, "export.reg")
    key = r"HKCU\SOFTWARE\microsoft\Windows\CurrentVersion\EXPLORER"
    assert model.get_value(key, "showfrequent") == RegValue("ShowFrequent", 4, 0, "export.reg", 8)
    assert [v.name for v in model.values(key)] == ["ShellState", "Link", "", "ShowFrequent"]
    model.set_value(key, "LINK", RegType.DWORD, 5)
    assert [v.name for v in model.values(key)] == ["ShellState", "Link", "", "ShowFrequent"]
    assert model.get_value(key, "link") == RegValue("Link", 4, 5, "", 0)
    assert model.delete_value(key, "LINK") is True
    assert model.delete_value(key, "LINK") is False
    env = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
    assert model.subkeys(env) == ["Empty"]
    assert model.subkeys(r"HKLM\SYSTEM\CurrentControlSet\Control") == ["Session Manager"]
    assert model.delete_key(r"HKLM\SYSTEM\CurrentControlSet") is True
    assert model.has_key(env) is False
    assert model.has_key("HKLM\\SYSTEM") is False  # an implied parent left without subkeys
    assert model.delete_key(env) is False
    assert model.keys() == [r"HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer"]
    with pytest.raises(ValueError, match="cannot delete a registry root"):
        model.delete_key("HKEY_CURRENT_USER")
    with pytest.raises(ValueError, match="not a registry key path"):
        model.get_value("HKXX\\a", "b")


SCHANNEL = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
TLS12 = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2"


def _bundle(tmp_path: Path) -> tuple[Path, bytes, bytes]:
    schannel = reg_bytes(
        f"[{SCHANNEL}]",
        f"[{SCHANNEL}\\Protocols]",
        f'[{SCHANNEL}\\Protocols\\TLS 1.0\\Client]\n"Enabled"=dword:00000000',
    )
    inet = reg_bytes(
        r"[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings]"
        '\n"SecureProtocols"=dword:00000a80'
    )
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "schannel.reg").write_bytes(schannel)
    (tmp_path / "registry" / "internet-settings.reg").write_bytes(inet)
    return tmp_path, schannel, inet


def test_bundle_backend_writes_only_the_changed_file(tmp_path: Path) -> None:
    folder, schannel, inet = _bundle(tmp_path)
    backend = BundleBackend(folder)
    assert isinstance(backend, RegistryBackend)
    assert backend.read_value(TLS12 + "\\Client", "Enabled") is None
    assert backend.key_exists(TLS12) is False
    backend.set_value(TLS12 + "\\Client", "Enabled", RegType.DWORD, 1)
    backend.set_value(TLS12 + "\\Client", "DisabledByDefault", RegType.DWORD, 0)
    assert (folder / "registry" / "internet-settings.reg").read_bytes() == inet
    expected = reg_bytes(
        f"[{SCHANNEL}]",
        f"[{SCHANNEL}\\Protocols]",
        f'[{SCHANNEL}\\Protocols\\TLS 1.0\\Client]\n"Enabled"=dword:00000000',
        f'[{SCHANNEL}\\Protocols\\TLS 1.2\\Client]\n"Enabled"=dword:00000001\n'
        '"DisabledByDefault"=dword:00000000',
    )
    assert (folder / "registry" / "schannel.reg").read_bytes() == expected
    again = BundleBackend(folder)
    assert again.read_value(TLS12 + "\\Client", "enabled") == RegValue(
        "Enabled", 4, 1, "registry/schannel.reg", 11
    )
    assert again.delete_key(TLS12) is True
    assert again.delete_key(TLS12) is False
    assert (folder / "registry" / "schannel.reg").read_bytes() == schannel
    assert sorted(p.name for p in (folder / "registry").iterdir()) == [
        "internet-settings.reg",
        "schannel.reg",
    ]


def test_bundle_backend_puts_an_uncovered_key_in_changes_reg(tmp_path: Path) -> None:
    folder, _, _ = _bundle(tmp_path)
    backend = BundleBackend(folder)
    backend.set_value(r"HKEY_USERS\S-1-5-18\X", "", RegType.SZ, "v")
    assert (folder / "registry" / "changes.reg").read_bytes() == reg_bytes(
        '[HKEY_USERS\\S-1-5-18\\X]\n@="v"'
    )
    assert backend.delete_value(r"HKU\S-1-5-18\x", "") is True
    assert backend.read_value(r"HKU\S-1-5-18\x", "") is None


def test_live_backend_refuses_off_windows_with_one_clear_error() -> None:
    if sys.platform == "win32":
        pytest.skip("this is Windows")
    with pytest.raises(UnsupportedPlatform, match="the live registry backend needs Windows"):
        WinRegBackend()


@pytest.mark.windows_only
@pytest.mark.skipif(sys.platform != "win32", reason="needs a live Windows machine (winreg)")
def test_live_backend_round_trip_under_hkcu() -> None:
    backend = WinRegBackend()
    key = r"HKCU\Software\onedrive-doctor-test\sub"
    assert isinstance(backend, RegistryBackend)
    try:
        backend.set_value(key, "Multi", RegType.MULTI_SZ, ("a", "b"))
        backend.set_value(key + "\\deeper", "D", RegType.DWORD, 7)
        found = backend.read_value(key, "multi")
        assert found is not None and (found.type, found.data) == (7, ("a", "b"))
        assert backend.delete_value(key, "Multi") is True
        assert backend.delete_value(key, "Multi") is False
    finally:
        backend.delete_key(r"HKCU\Software\onedrive-doctor-test")
    assert backend.key_exists(key) is False
