from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedrive_doctor.errors import InputError
from onedrive_doctor.registry.regfile import (
    DeleteKey,
    DeleteValue,
    Registry,
    RegParseError,
    RegType,
    SetKey,
    SetValue,
    normalize_key,
    parse_reg,
)

HEADER = "Windows Registry Editor Version 5.00"
KEY = r"HKEY_LOCAL_MACHINE\SOFTWARE\Contoso"


def export(*body: str, header: str = HEADER) -> bytes:
    """Bytes as `reg export` writes them: UTF-16LE with BOM, CRLF, blank line after each key."""
    text = "\r\n".join([header, "", *body, ""]) + "\r\n"
    return b"\xff\xfe" + text.encode("utf-16-le")


def one_key(*values: str) -> bytes:
    return export(f"[{KEY}]", *values)


def utf16z(*strings: str) -> str:
    """hex(N): body of NUL-terminated UTF-16LE strings (plus the MULTI_SZ final NUL for >1)."""
    data = "".join(s + "\0" for s in strings)
    if len(strings) != 1:
        data += "\0"
    return ",".join(f"{b:02x}" for b in data.encode("utf-16-le"))


def load(*files: bytes) -> Registry:
    return Registry.from_files((f"f{i}.reg", data) for i, data in enumerate(files, 1))


# --- value types ------------------------------------------------------------------------------


def test_reg_sz_and_dword_come_back_typed_with_source_and_line():
    reg = load(one_key('"Name"="Contoso Ltd"', '"Count"=dword:0000000a'))
    name = reg.value(KEY, "Name")
    count = reg.value(KEY, "Count")
    assert name is not None and count is not None
    assert (name.type, name.data, name.source, name.line) == (
        RegType.SZ,
        "Contoso Ltd",
        "f1.reg",
        4,
    )
    assert (count.type, count.data, count.line) == (RegType.DWORD, 10, 5)
    assert count.type_name == "REG_DWORD"


@pytest.mark.parametrize(
    ("data", "type_", "expected"),
    [
        ("dword:ffffffff", RegType.DWORD, 0xFFFFFFFF),
        ("dword:0000ABCD", RegType.DWORD, 0xABCD),
        ("hex:de,ad,be,ef", RegType.BINARY, b"\xde\xad\xbe\xef"),
        ("hex:", RegType.BINARY, b""),
        ("hex(0):", RegType.NONE, b""),
        ("hex(0):01,02", RegType.NONE, b"\x01\x02"),
        (f"hex(1):{utf16z('plain')}", RegType.SZ, "plain"),
        (f"hex(2):{utf16z('%SystemRoot%')}", RegType.EXPAND_SZ, "%SystemRoot%"),
        ("hex(2):", RegType.EXPAND_SZ, ""),
        (f"hex(7):{utf16z('TLS 1.2', 'TLS 1.3')}", RegType.MULTI_SZ, ("TLS 1.2", "TLS 1.3")),
        (f"hex(7):{utf16z('only')}", RegType.MULTI_SZ, ("only",)),
        ("hex(7):00,00", RegType.MULTI_SZ, ()),
        ("hex(7):", RegType.MULTI_SZ, ()),
        ("hex(4):01,02,00,00", RegType.DWORD, 0x0201),
        ("hex(5):00,00,02,01", RegType.DWORD_BIG_ENDIAN, 0x0201),
        ("hex(b):01,00,00,00,00,00,00,80", RegType.QWORD, 0x8000000000000001),
        ("hex(6):41,00", RegType.LINK, b"A\0"),
        ("hex(8):01,02,03", RegType.RESOURCE_LIST, b"\x01\x02\x03"),
        ("hex(1f):ff", 0x1F, b"\xff"),
        ("HEX(B):01,00,00,00,00,00,00,00", RegType.QWORD, 1),
        # Wrong lengths keep the raw bytes: regedit exports such values exactly like this.
        ("hex(4):01,02,03", RegType.DWORD, b"\x01\x02\x03"),
        ("hex(b):01,00,00,00", RegType.QWORD, b"\x01\x00\x00\x00"),
    ],
)
def test_each_value_type_decodes_to_its_python_type(data, type_, expected):
    reg = load(one_key(f'"v"={data}'))
    value = reg.value(KEY, "v")
    assert value is not None
    assert value.type == type_
    assert value.data == expected
    assert type(value.data) is type(expected)


def test_unknown_type_number_has_a_readable_type_name():
    value = load(one_key('"v"=hex(1f):ff')).value(KEY, "v")
    assert value is not None and value.type_name == "REG_TYPE_31"


def test_sz_in_hex_stops_at_the_first_nul_and_survives_an_odd_length():
    reg = load(one_key('"a"=hex(1):61,00,00,00,62,00,00,00', '"b"=hex(2):61,00,62'))
    assert reg.string(KEY, "a") == "a"
    assert reg.string(KEY, "b") == "a"


def test_default_value_is_the_empty_name():
    reg = load(one_key('@="default text"', '"@"="a value named at"'))
    assert reg.string(KEY, "") == "default text"
    assert reg.string(KEY, "@") == "a value named at"
    assert set(reg.values(KEY)) == {"", "@"}


def test_escaped_backslash_and_quote_in_names_and_strings():
    reg = load(one_key(r'"C:\\Temp\\\"x\""="C:\\Program Files\\Contoso\\"'))
    assert reg.values(KEY)['C:\\Temp\\"x"'].data == "C:\\Program Files\\Contoso\\"


def test_other_backslashes_are_kept_as_written():
    reg = load(one_key(r'"p"="a\nb\q"'))
    assert reg.string(KEY, "p") == r"a\nb\q"


def test_hex_continuation_lines_join_and_report_the_first_line():
    data = bytes(range(40))
    tokens = [f"{b:02x}" for b in data]
    lines = [
        '"Blob"=hex:' + ",".join(tokens[:20]) + ",\\",
        "  " + ",".join(tokens[20:35]) + ",\\",
        "  " + ",".join(tokens[35:]),
        '"After"=dword:00000001',
    ]
    reg = load(one_key(*lines))
    blob = reg.value(KEY, "Blob")
    after = reg.value(KEY, "After")
    assert blob is not None and after is not None
    assert blob.data == data
    assert (blob.line, after.line) == (4, 7)


def test_multi_sz_over_continuation_lines():
    body = utf16z("SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2").split(",")
    lines = [f'"Protocols"=hex(7):{",".join(body[:25])},\\', f"  {','.join(body[25:])}"]
    value = load(one_key(*lines)).value(KEY, "protocols")
    assert value is not None
    assert value.data == ("SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2")


def test_comments_blank_lines_and_spaces_around_equals_are_ignored():
    reg = load(export("; exported by hand", f"[{KEY}]", "  ; indented comment", '"a" = "x"', ""))
    assert reg.string(KEY, "a") == "x"


def test_key_name_may_contain_a_closing_bracket():
    reg = load(export(rf"[{KEY}\odd]name]", '"a"=dword:00000001'))
    assert reg.dword(KEY + r"\odd]name", "a") == 1


# --- encodings --------------------------------------------------------------------------------


def test_utf8_with_and_without_bom_and_utf16_big_endian():
    text = f'{HEADER}\r\n\r\n[{KEY}]\r\n"Name"="Café"\r\n'
    for data in (
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        b"\xfe\xff" + text.encode("utf-16-be"),
        text.encode("utf-16-le"),  # BOM lost on the way
    ):
        assert load(data).string(KEY, "Name") == "Café"


def test_unix_line_endings_are_accepted():
    text = f'{HEADER}\n\n[{KEY}]\n"Name"="x"\n'
    assert load(text.encode("utf-8")).string(KEY, "Name") == "x"


def test_regedit4_is_ansi_and_its_hex_strings_are_single_byte():
    text = (
        "REGEDIT4\r\n\r\n"
        f"[{KEY}]\r\n"
        '"Name"="Café"\r\n'
        '"Path"=hex(2):25,57,49,4e,44,49,52,25,5c,e9,00\r\n'
        '"List"=hex(7):61,00,62,00,00\r\n'
    )
    reg = load(text.encode("cp1252"))
    assert reg.string(KEY, "Name") == "Café"
    assert reg.string(KEY, "Path") == "%WINDIR%\\é"
    listed = reg.value(KEY, "List")
    assert listed is not None and listed.data == ("a", "b")


# --- keys, lookups, merging -------------------------------------------------------------------


def test_lookups_accept_any_root_spelling_case_and_trailing_backslash():
    reg = load(one_key('"MixedCase"=dword:00000002'))
    for key in (
        r"HKLM\SOFTWARE\Contoso",
        r"hkey_local_machine\software\contoso\\",
        r"Hklm\Software\CONTOSO\\",
    ):
        assert reg.has_key(key)
        assert reg.dword(key, "mixedcase") == 2
    assert reg.keys() == [r"HKLM\SOFTWARE\Contoso"]
    assert list(reg.values(KEY)) == ["MixedCase"]


@pytest.mark.parametrize(
    ("long", "short"),
    [
        ("HKEY_LOCAL_MACHINE", "HKLM"),
        ("HKEY_CURRENT_USER", "HKCU"),
        ("HKEY_USERS", "HKU"),
        ("HKEY_CLASSES_ROOT", "HKCR"),
        ("HKEY_CURRENT_CONFIG", "HKCC"),
    ],
)
def test_root_aliases_normalise_to_the_short_form(long, short):
    reg = load(export(rf"[{long}\A\b]", '"v"="1"'))
    assert reg.keys() == [rf"{short}\A\b"]
    assert reg.string(rf"{short}\a\B", "V") == "1"
    assert normalize_key(rf"{long.lower()}\A\b\\") == rf"{short}\A\b"


def test_case_folding_is_one_to_one_like_windows():
    reg = load(one_key('"Straße"="1"'))
    assert reg.string(KEY, "STRAßE") == "1"
    assert reg.string(KEY, "STRASSE") is None


def test_unknown_root_in_a_lookup_is_a_programming_error():
    with pytest.raises(ValueError, match="not a registry key path"):
        load(one_key()).has_key(r"HKEY_NOWHERE\x")


def test_parents_of_exported_keys_exist_and_list_their_subkeys():
    reg = load(export(rf"[{KEY}\Alpha\One]", "", rf"[{KEY}\beta]", "", rf"[{KEY}\alpha\Two]"))
    assert reg.has_key(r"HKLM\SOFTWARE")
    assert reg.subkeys(KEY) == ["Alpha", "beta"]
    assert reg.subkeys(KEY + r"\ALPHA") == ["One", "Two"]
    assert reg.subkeys(KEY + r"\beta") == []
    assert reg.values(r"HKLM\SOFTWARE") == {}
    assert not reg.has_key(KEY + r"\gamma")
    assert len(reg) == 3


def test_dword_and_string_return_none_for_other_types_and_missing_values():
    reg = load(one_key('"s"="1"', '"d"=dword:00000001', '"b"=hex:01'))
    assert reg.dword(KEY, "s") is None
    assert reg.dword(KEY, "b") is None
    assert reg.dword(KEY, "missing") is None
    assert reg.string(KEY, "d") is None
    assert reg.string(r"HKLM\Nowhere", "s") is None
    assert reg.value(r"HKLM\Nowhere", "s") is None


def test_delete_value_and_delete_key_with_its_subkeys():
    reg = load(
        export(
            f"[{KEY}]",
            '"keep"="1"',
            '"drop"="2"',
            '"drop"=-',
            "",
            rf"[{KEY}\Sub]",
            "",
            rf"[{KEY}\Sub\Deeper]",
            '"x"="1"',
            "",
            rf"[{KEY}\Subway]",
            "",
            rf"[-{KEY}\SUB]",
        )
    )
    assert set(reg.values(KEY)) == {"keep"}
    assert not reg.has_key(KEY + r"\Sub")
    assert not reg.has_key(KEY + r"\Sub\Deeper")
    assert reg.has_key(KEY + r"\Subway")
    assert reg.subkeys(KEY) == ["Subway"]


def test_later_files_override_and_delete_what_earlier_files_set():
    base = one_key('"a"="old"', '"b"="kept"', '"c"="gone"')
    update = export(f"[{KEY.lower()}]", '"A"="new"', '"c"=-', "", rf"[{KEY}\Extra]", '"e"="1"')
    wipe = export(rf"[-{KEY}\Extra]")
    reg = load(base, update, wipe)
    a = reg.value(KEY, "a")
    assert a is not None and (a.data, a.name, a.source, a.line) == ("new", "A", "f2.reg", 4)
    assert reg.string(KEY, "b") == "kept"
    assert reg.value(KEY, "c") is None
    assert not reg.has_key(KEY + r"\Extra")
    assert reg.keys() == [r"HKLM\SOFTWARE\Contoso"]  # first spelling kept
    assert reg.sources == ("f1.reg", "f2.reg", "f3.reg")


def test_deleted_key_recreated_later_starts_empty():
    reg = load(one_key('"a"="1"'), export(f"[-{KEY}]", "", f"[{KEY}]", '"b"="2"'))
    assert set(reg.values(KEY)) == {"b"}


def test_empty_registry_is_falsy():
    reg = Registry.from_files([])
    assert not reg and len(reg) == 0 and reg.keys() == []


def test_parse_reg_returns_operations_in_file_order_with_lines():
    ops = parse_reg(
        export(f"[{KEY}]", '"a"=dword:00000001', '"b"=-', "", f"[-{KEY}\\Old]"), "ops.reg"
    )
    assert [type(op) for op in ops] == [SetKey, SetValue, DeleteValue, DeleteKey]
    assert ops[0] == SetKey(r"HKLM\SOFTWARE\Contoso", "ops.reg", 3)
    assert isinstance(ops[1], SetValue) and ops[1].value.line == 4
    assert ops[2] == DeleteValue(r"HKLM\SOFTWARE\Contoso", "b", "ops.reg", 5)
    assert ops[3] == DeleteKey(r"HKLM\SOFTWARE\Contoso\Old", "ops.reg", 7)


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ((f"[{KEY}]", '"a"=hex:01,0g'), 4, "bad hex byte '0g'"),
        ((f"[{KEY}]", '"a"=hex:01,,02'), 4, "bad hex byte ''"),
        ((f"[{KEY}]", '"a"=hex:100'), 4, "bad hex byte '100'"),
        ((f"[{KEY}]", '"a"=hex:01,02,\\', "  03,zz,\\", "  04"), 4, "bad hex byte 'zz'"),
        ((f"[{KEY}]", '"ok"="1"', '"a"=hex(zz):01'), 5, "unknown value data"),
        ((f"[{KEY}]", '"a"=dword:0000001'), 4, "dword needs 8 hex digits"),
        ((f"[{KEY}]", '"a"=dword:000000001'), 4, "dword needs 8 hex digits"),
        ((f"[{KEY}]", '"a"=dword:0000000x'), 4, "dword needs 8 hex digits"),
        ((f"[{KEY}]", '"a"="no end'), 4, "unterminated string"),
        ((f"[{KEY}]", '"a"="ends in escape\\"'), 4, "unterminated string"),
        ((f"[{KEY}]", '"a=1'), 4, "unterminated string"),
        ((f"[{KEY}]", '"a"="x" trailing'), 4, "unexpected text after the string"),
        ((f"[{KEY}]", '"a" "x"'), 4, "expected '='"),
        ((f"[{KEY}]", "@"), 4, "expected '='"),
        ((f"[{KEY}]", '"a"=qword:1'), 4, "unknown value data"),
        ((f"[{KEY}]", '"a"='), 4, "unknown value data"),
        ((f"[{KEY}]", "", "garbage here"), 5, "expected [key]"),
        (('"a"="1"',), 3, "outside any [key] section"),
        ((f"[-{KEY}]", '"a"="1"'), 4, "outside any [key] section"),
        ((f"[{KEY}",), 3, "does not end with ']'"),
        ((r"[HKEY_NOWHERE\x]",), 3, "not a registry key path"),
        (("[]",), 3, "not a registry key path"),
        ((r"[HKLM\a\\b]",), 3, "not a registry key path"),
        (("[-]",), 3, "not a registry key path"),
    ],
)
def test_broken_lines_name_the_file_and_first_physical_line(body, line, message):
    with pytest.raises(RegParseError) as caught:
        parse_reg(export(*body), "broken.reg")
    err = caught.value
    assert (err.source, err.line) == ("broken.reg", line)
    assert message in err.message
    assert str(err).startswith(f"broken.reg:{line}: ")
    assert isinstance(err, InputError)


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"\xff\xfe" + "Hello\r\nWorld\r\n".encode("utf-16-le"), 1, "not a registry export"),
        (b"\xff\xfe" + "\r\n\r\nnope\r\n".encode("utf-16-le"), 3, "not a registry export"),
        (b"", 1, "not a registry export: the file is empty"),
        (b"\xff\xfe", 1, "not a registry export: the file is empty"),
        (b"\xff\xfe\r\x00\n\x00 \x00", 1, "not a registry export"),
        (b"Windows Registry Editor Version 4.00\r\n", 1, "not a registry export"),
        (export(f"[{KEY}]")[:-1], 4, "truncated UTF-16"),
        (export(f"[{KEY}]", '"a"="1"')[:-7], 4, "truncated UTF-16"),
        (b"\xff\xfe" + HEADER.encode("utf-16-le")[:21], 1, "truncated UTF-16"),
        (
            f'{HEADER}\r\n\r\n[{KEY}]\r\n"a"="\xe9"\r\n'.encode("latin-1"),
            4,
            "cannot decode as utf-8",
        ),
        (b'REGEDIT4\r\n\r\n[HKLM\\x]\r\n"a"="\x81"\r\n', 4, "cannot decode as cp1252"),
        (export(f"[{KEY}]")[:-4] + "\ud800".encode("utf-16-le", "surrogatepass"), 4, "utf-16"),
    ],
)
def test_undecodable_or_foreign_files_are_rejected_with_a_line(data, line, message):
    with pytest.raises(RegParseError) as caught:
        parse_reg(data, "in.reg")
    assert (caught.value.source, caught.value.line) == ("in.reg", line)
    assert message in str(caught.value)


def test_from_files_reports_the_first_broken_file():
    good = one_key('"a"="1"')
    bad = export(f"[{KEY}]", '"a"=dword:1')
    with pytest.raises(RegParseError) as caught:
        Registry.from_files([("good.reg", good), ("bad.reg", bad), ("worse.reg", b"junk")])
    assert (caught.value.source, caught.value.line) == ("bad.reg", 4)


# --- robustness -------------------------------------------------------------------------------

VALID = export(
    f"[{KEY}]",
    '@="default"',
    r'"Esc\"aped"="C:\\x"',
    '"D"=dword:00000010',
    '"B"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,\\',
    "  17,18,19",
    f'"M"=hex(7):{utf16z("a", "b")}',
    '"Q"=hex(b):01,00,00,00,00,00,00,00',
    '"gone"=-',
    "",
    rf"[-{KEY}\Old]",
)


def _parses_or_reg_parse_error(data: bytes) -> None:
    try:
        reg = Registry.from_files([("fuzz.reg", data)])
    except RegParseError as err:
        assert err.source == "fuzz.reg"
        assert err.line is not None and err.line >= 1
        return
    keys = reg.keys()
    for key in keys:
        reg.values(key)
        reg.subkeys(key)


def test_the_fuzz_seed_is_valid():
    reg = Registry.from_files([("seed.reg", VALID)])
    assert reg.dword(KEY, "Q") == 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_parse_or_raise_reg_parse_error(data):
    _parses_or_reg_parse_error(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_after_a_valid_header_parse_or_raise_reg_parse_error(tail):
    _parses_or_reg_parse_error(VALID + tail)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255), st.sampled_from("rid")),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_exports_parse_or_raise_reg_parse_error(edits):
    data = bytearray(VALID)
    for pos, byte, kind in edits:
        pos %= len(data) or 1
        if kind == "r":
            data[pos : pos + 1] = bytes([byte])
        elif kind == "i":
            data[pos:pos] = bytes([byte])
        else:
            del data[pos : pos + 1]
    _parses_or_reg_parse_error(bytes(data))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from('[]"@=-;:,\\ hexdword(0)7bAZ\r\n'), max_size=40)))
def test_mutated_text_lines_parse_or_raise_reg_parse_error(lines):
    _parses_or_reg_parse_error(export(f"[{KEY}]", *lines))


# --- a realistic export -----------------------------------------------------------------------

SCHANNEL = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
INET = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
REALISTIC = f"""\
Windows Registry Editor Version 5.00

[{SCHANNEL}]
"EventLogging"=dword:00000001

[{SCHANNEL}\\Ciphers]

[{SCHANNEL}\\CipherSuites]

[{SCHANNEL}\\Hashes]

[{SCHANNEL}\\KeyExchangeAlgorithms]

[{SCHANNEL}\\Protocols]

[{SCHANNEL}\\Protocols\\SSL 2.0]

[{SCHANNEL}\\Protocols\\SSL 2.0\\Client]
"DisabledByDefault"=dword:00000001

[{SCHANNEL}\\Protocols\\TLS 1.0]

[{SCHANNEL}\\Protocols\\TLS 1.0\\Client]
"Enabled"=dword:00000000
"DisabledByDefault"=dword:00000001

[{SCHANNEL}\\Protocols\\TLS 1.2]

[{SCHANNEL}\\Protocols\\TLS 1.2\\Client]
"Enabled"=dword:00000000
"DisabledByDefault"=dword:00000001

[{SCHANNEL}\\Protocols\\TLS 1.2\\Server]
"Enabled"=dword:ffffffff
"DisabledByDefault"=dword:00000000

[{INET}]
"ActiveXCache"="C:\\\\Windows\\\\Downloaded Program Files"
"CodeBaseSearchPath"="CODEBASE"
"EnablePunycode"=dword:00000001
"MinorVersion"="0"
"WarnOnIntranet"=dword:00000001

[{INET}\\Connections]
"WinHttpSettings"=hex:18,00,00,00,03,00,00,00,03,00,00,00,16,00,00,00,70,72,\\
  6f,78,79,2e,63,6f,6e,74,6f,73,6f,2e,63,6f,6d,3a,38,30,38,30,15,00,00,00,2a,\\
  2e,63,6f,6e,74,6f,73,6f,2e,63,6f,6d,3b,3c,6c,6f,63,61,6c,3e

[{INET}\\WinHttp]
"DefaultSecureProtocols"=dword:00000a80
"TracingDisabled"=dword:00000001

"""


def test_realistic_schannel_and_internet_settings_export():
    data = b"\xff\xfe" + REALISTIC.replace("\n", "\r\n").encode("utf-16-le")
    reg = Registry.from_files([("HKLM_schannel.reg", data)])
    protocols = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols"
    assert reg.subkeys(protocols) == ["SSL 2.0", "TLS 1.0", "TLS 1.2"]
    assert reg.subkeys(protocols + r"\TLS 1.2") == ["Client", "Server"]
    assert reg.dword(protocols + r"\tls 1.2\client", "Enabled") == 0
    assert reg.dword(protocols + r"\TLS 1.2\Server", "Enabled") == 0xFFFFFFFF
    assert reg.dword(protocols + r"\TLS 1.2\Server", "disabledbydefault") == 0
    assert reg.values(protocols + r"\TLS 1.2") == {}
    inet = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
    assert reg.string(inet, "ActiveXCache") == r"C:\Windows\Downloaded Program Files"
    assert reg.dword(inet + r"\WinHttp", "DefaultSecureProtocols") == 0xA80
    blob = reg.value(inet + r"\Connections", "WinHttpSettings")
    assert blob is not None and blob.type == RegType.BINARY and blob.line == 45
    assert isinstance(blob.data, bytes) and b"proxy.contoso.com:8080" in blob.data
    assert blob.data.endswith(b"*.contoso.com;<local>")
    assert len(reg.keys()) == 16
    assert reg.subkeys("HKLM") == ["SYSTEM", "SOFTWARE"]
