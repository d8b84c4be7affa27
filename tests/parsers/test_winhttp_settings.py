from __future__ import annotations

import contextlib
import re
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedrive_doctor.parsers.winhttp_settings import (
    ConnectionSettings,
    ConnectionSettingsError,
    parse_connection_settings,
)

LAYOUT_SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "winhttp"
    / "winhttpsettings_registry_layout.txt"
)


def blob(
    flags: int,
    proxy: bytes = b"",
    bypass: bytes = b"",
    url: bytes | None = None,
    *,
    version: int = 0x18,
    counter: int = 0,
    tail: bytes = b"",
) -> bytes:
    out = struct.pack("<III", version, counter, flags)
    out += struct.pack("<I", len(proxy)) + proxy + struct.pack("<I", len(bypass)) + bypass
    if url is not None:
        out += struct.pack("<I", len(url)) + url
    return out + tail


def test_microsoft_direct_access_value_is_direct_without_proxy():
    # The "Direct access" value quoted in the saved sample (a copy of the project's shared one).
    sample = LAYOUT_SAMPLE.read_text(encoding="utf-8")
    value = re.search(r"Direct access value: `([0-9a-f]+)`", sample)
    assert value and value[1] == "1800000000000000010000000000000000000000"
    settings = parse_connection_settings(bytes.fromhex(value[1]))
    assert settings == ConnectionSettings(flags=1, proxy=None, bypass=None, autoconfig_url=None)
    assert settings.direct
    assert not (settings.manual_proxy or settings.auto_config or settings.auto_detect)


def test_netsh_set_proxy_value_has_proxy_and_bypass():
    data = blob(3, b"proxy.example.test:8080", b"*.example.test;<local>", counter=5)
    settings = parse_connection_settings(data)
    assert settings.proxy == "proxy.example.test:8080"
    assert settings.bypass == "*.example.test;<local>"
    assert settings.autoconfig_url is None
    assert settings.manual_proxy and not settings.direct


def test_default_connection_settings_with_pac_auto_detect_and_trailing_bytes():
    data = blob(
        0x0D,
        b"",
        b"",
        b"http://wpad.contoso.com/proxy.pac",
        version=0x46,
        counter=0x1C,
        tail=b"\x01\x00\x00\x00" + bytes(28),
    )
    settings = parse_connection_settings(data)
    assert settings.autoconfig_url == "http://wpad.contoso.com/proxy.pac"
    assert settings.auto_config and settings.auto_detect and not settings.manual_proxy
    assert settings.proxy is None and settings.bypass is None
    assert not settings.direct


@pytest.mark.parametrize("leftover", [b"", b"\x00", b"\x00\x00\x00"])
def test_fewer_than_four_bytes_after_the_bypass_list_mean_no_autoconfig(leftover):
    settings = parse_connection_settings(blob(3, b"p:1", b"", tail=leftover))
    assert (settings.proxy, settings.autoconfig_url) == ("p:1", None)


@pytest.mark.parametrize(
    ("flags", "direct", "manual", "auto_config", "auto_detect"),
    [
        (0x0, True, False, False, False),
        (0x1, True, False, False, False),
        (0x3, False, True, False, False),
        (0x5, False, False, True, False),
        (0x9, False, False, False, True),
        (0xF, False, True, True, True),
    ],
)
def test_flag_properties(flags, direct, manual, auto_config, auto_detect):
    settings = ConnectionSettings(flags, None, None, None)
    assert settings.direct is direct
    assert settings.manual_proxy is manual
    assert settings.auto_config is auto_config
    assert settings.auto_detect is auto_detect


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "too short: 0 bytes"),
        (bytes.fromhex("180000000000000001000000")[:11], "too short: 11 bytes"),
        (bytes.fromhex("180000000000000001000000"), "truncated before the proxy server length"),
        (bytes.fromhex("1800000000000000010000000000"), "truncated before the proxy server length"),
        (blob(3, b"proxy:8080")[:-1], "truncated before the bypass list length"),
        (blob(3, b"proxy:8080", b"<local>")[:-1], "bypass list length 7 at offset 26"),
        (blob(3, b"proxy:8080")[:20], "proxy server length 10 at offset 12 is more than the 4"),
        (blob(5, b"", b"", b"http://x/p.pac")[:-3], "auto-config URL length 14"),
        (struct.pack("<IIII", 0x18, 0, 3, 0xFFFFFFFF), "proxy server length 4294967295"),
        (blob(3, b"pr\xf6xy:80"), "proxy server is not printable ASCII"),
        (blob(3, b"proxy:80", b"a\x00b"), "bypass list is not printable ASCII"),
    ],
)
def test_truncated_or_garbage_values_raise_a_clear_error(data, message):
    with pytest.raises(ConnectionSettingsError, match=re.escape(message)):
        parse_connection_settings(data)


def test_connection_settings_error_is_a_value_error():
    assert issubclass(ConnectionSettingsError, ValueError)


def test_only_prefixes_that_end_at_a_field_boundary_parse():
    full = blob(0x0F, b"proxy:8080", b"<local>", b"http://x/p.pac", version=0x46)
    bypass_end = 12 + 4 + 10 + 4 + 7
    valid = {*range(bypass_end, bypass_end + 4), len(full)}
    parsed = set()
    for size in range(len(full) + 1):
        with contextlib.suppress(ConnectionSettingsError):
            parse_connection_settings(full[:size])
            parsed.add(size)
    assert parsed == valid


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=80))
def test_random_bytes_parse_or_raise_connection_settings_error(data):
    try:
        settings = parse_connection_settings(data)
    except ConnectionSettingsError:
        return
    assert isinstance(settings.flags, int)
