from __future__ import annotations

import struct

import pytest

from onedrive_doctor.parsers.proxy_settings import (
    ProxySetting,
    proxy_problems,
    winhttp_settings,
    wininet_settings,
)
from onedrive_doctor.registry.regfile import Registry

WINHTTP = (
    r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"
)
WINHTTP_WOW = (
    r"HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion"
    r"\Internet Settings\Connections"
)
USER_INET = r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
MACHINE_INET = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
POLICY = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
DIRECT = bytes.fromhex("1800000000000000010000000000000000000000")


def export(*body: str) -> bytes:
    text = "\r\n".join(["Windows Registry Editor Version 5.00", "", *body, ""]) + "\r\n"
    return b"\xff\xfe" + text.encode("utf-16-le")


def load(*body: str) -> Registry:
    return Registry.from_files([("proxy.reg", export(*body))])


def blob(flags: int, proxy: str = "", bypass: str = "", url: str | None = None, **kw: int) -> bytes:
    out = struct.pack("<III", kw.get("version", 0x18), kw.get("counter", 1), flags)
    for text in (proxy, bypass) if url is None else (proxy, bypass, url):
        out += struct.pack("<I", len(text)) + text.encode("ascii")
    return out


def hex_value(name: str, data: bytes) -> list[str]:
    """`"name"=hex:..` wrapped at 80 columns with `,\\` continuations, as regedit writes it."""
    tokens = [f"{b:02x}" for b in data]
    lines: list[str] = []
    line = f'"{name}"=hex:'
    for i, token in enumerate(tokens):
        piece = token + ("," if i < len(tokens) - 1 else "")
        if len(line) + len(piece) > 77 and line.strip():
            lines.append(line + "\\")
            line = "  "
        line += piece
    return [*lines, line]


def setting(proxy: str | None = None, bypass: str | None = None, **kw: object) -> ProxySetting:
    fields: dict[str, object] = {
        "stack": "wininet",
        "source": "test",
        "proxy": proxy,
        "bypass": bypass,
        "autoconfig_url": None,
        "auto_detect": False,
    }
    fields.update(kw)
    return ProxySetting(**fields)  # type: ignore[arg-type]


# --- WinHTTP ----------------------------------------------------------------------------------


def test_winhttp_direct_access_value_is_direct():
    reg = load(f"[{WINHTTP}]", *hex_value("WinHttpSettings", DIRECT))
    [found] = winhttp_settings(reg)
    assert found.stack == "winhttp"
    assert found.source == (
        r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"
        r"\WinHttpSettings"
    )
    assert found.direct and found.proxy is None and found.bypass is None
    assert proxy_problems(reg) == []


def test_winhttp_native_and_wow64_proxies_are_both_reported():
    reg = load(
        f"[{WINHTTP}]",
        *hex_value("WinHttpSettings", blob(3, "proxy.contoso.com:8080", "*.contoso.com;<local>")),
        "",
        f"[{WINHTTP_WOW}]",
        *hex_value("WinHttpSettings", blob(3, "other:3128")),
    )
    native, wow = winhttp_settings(reg)
    assert (native.stack, native.proxy, native.bypass) == (
        "winhttp",
        "proxy.contoso.com:8080",
        "*.contoso.com;<local>",
    )
    assert (wow.stack, wow.proxy, wow.bypass) == ("winhttp-wow64", "other:3128", None)
    assert "WOW6432Node" in wow.source
    assert not native.direct and native.proxy_for("https") == "proxy.contoso.com:8080"


def test_winhttp_keys_without_the_value_are_left_out():
    reg = load(f"[{WINHTTP}]", '"SavedLegacySettings"=hex:46,00,00,00')
    assert winhttp_settings(reg) == []
    assert winhttp_settings(Registry()) == []


def test_winhttp_proxy_string_without_the_manual_flag_is_not_used():
    reg = load(f"[{WINHTTP}]", *hex_value("WinHttpSettings", blob(1, "stale:8080", "<local>")))
    [found] = winhttp_settings(reg)
    assert found.proxy is None and found.bypass is None and found.direct
    assert found.configured_but_disabled == "stale:8080"


def test_winhttp_autoconfig_and_auto_detect_flags():
    data = blob(0x0D, "", "", "http://wpad/wpad.dat")
    [found] = winhttp_settings(load(f"[{WINHTTP}]", *hex_value("WinHttpSettings", data)))
    assert found.autoconfig_url == "http://wpad/wpad.dat" and found.auto_detect
    assert found.proxy is None and not found.direct


def test_unreadable_winhttp_value_is_skipped_and_reported_with_key_and_line():
    reg = load(
        f"[{WINHTTP}]",
        '"WinHttpSettings"=hex:18,00,00,00,00,00,00,00,03,00,00,00,ff,00,00,00,41',
        "",
        f"[{WINHTTP_WOW}]",
        '"WinHttpSettings"=dword:00000001',
    )
    assert winhttp_settings(reg) == []
    problems = proxy_problems(reg)
    assert len(problems) == 2
    assert problems[0].startswith(
        r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"
        r"\WinHttpSettings (proxy.reg:4): proxy server length 255"
    )
    assert problems[1].endswith("WinHttpSettings (proxy.reg:7): REG_DWORD instead of REG_BINARY")


# --- WinINet ----------------------------------------------------------------------------------


def test_wininet_manual_proxy_with_override():
    reg = load(
        f"[{USER_INET}]",
        '"ProxyEnable"=dword:00000001',
        '"ProxyServer"="http=web:80;https=secure:3128;socks=s:1080"',
        '"ProxyOverride"="*.contoso.com;<local>"',
    )
    found = wininet_settings(reg)
    assert found is not None
    assert found.stack == "wininet"
    assert found.source == r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
    assert found.proxy_for("https") == "secure:3128"
    assert found.proxy_for("http") == "web:80"
    assert found.bypass == "*.contoso.com;<local>"
    assert found.bypasses("intranet") and found.bypasses("www.contoso.com")
    assert not found.bypasses("contoso.sharepoint.com")
    assert not found.direct and found.configured_but_disabled is None


@pytest.mark.parametrize("enable", ['"ProxyEnable"=dword:00000000', None])
def test_wininet_proxy_server_is_ignored_while_proxy_enable_is_off(enable):
    body = [f"[{USER_INET}]", '"ProxyServer"="proxy:8080"', '"ProxyOverride"="<local>"']
    if enable:
        body.append(enable)
    found = wininet_settings(load(*body))
    assert found is not None
    assert found.proxy is None and found.bypass is None and found.direct
    assert found.configured_but_disabled == "proxy:8080"


def test_wininet_pac_url_and_auto_detect_from_default_connection_settings():
    reg = load(
        f"[{USER_INET}]",
        '"ProxyEnable"=dword:00000000',
        '"AutoConfigURL"="http://pac.contoso.com/proxy.pac"',
        "",
        rf"[{USER_INET}\Connections]",
        *hex_value(
            "DefaultConnectionSettings",
            blob(0x0D, "", "", "http://pac.contoso.com/proxy.pac", version=0x46) + bytes(32),
        ),
    )
    found = wininet_settings(reg)
    assert found is not None
    assert found.autoconfig_url == "http://pac.contoso.com/proxy.pac"
    assert found.auto_detect and found.proxy is None and not found.direct


def test_wininet_auto_detect_off_when_the_flag_is_clear():
    reg = load(rf"[{USER_INET}\Connections]", *hex_value("DefaultConnectionSettings", DIRECT))
    found = wininet_settings(reg)
    assert found is not None and found.direct and not found.auto_detect


def test_per_machine_policy_uses_hklm_internet_settings():
    reg = load(
        f"[{POLICY}]",
        '"ProxySettingsPerUser"=dword:00000000',
        "",
        f"[{MACHINE_INET}]",
        '"ProxyEnable"=dword:00000001',
        '"ProxyServer"="machine:8080"',
        "",
        f"[{USER_INET}]",
        '"ProxyEnable"=dword:00000001',
        '"ProxyServer"="user:8080"',
    )
    found = wininet_settings(reg)
    assert found is not None
    assert found.proxy == "machine:8080"
    assert found.source.startswith(r"HKLM\SOFTWARE\Microsoft")


def test_per_user_policy_value_one_keeps_hkcu():
    reg = load(
        f"[{POLICY}]",
        '"ProxySettingsPerUser"=dword:00000001',
        "",
        f"[{USER_INET}]",
        '"ProxyEnable"=dword:00000001',
        '"ProxyServer"="user:8080"',
    )
    found = wininet_settings(reg)
    assert found is not None and found.proxy == "user:8080"


def test_wininet_is_none_without_internet_settings_keys():
    assert wininet_settings(Registry()) is None
    assert wininet_settings(load(f"[{WINHTTP}]", *hex_value("WinHttpSettings", DIRECT))) is None
    # Per-machine policy but no HKLM Internet Settings exported: unknown, not HKCU.
    assert wininet_settings(load(f"[{POLICY}]", '"ProxySettingsPerUser"=dword:00000000')) is None


def test_wininet_problems_name_broken_blob_and_non_dword_proxy_enable():
    reg = load(
        f"[{USER_INET}]",
        '"ProxyEnable"="1"',
        '"ProxyServer"="proxy:8080"',
        "",
        rf"[{USER_INET}\Connections]",
        '"DefaultConnectionSettings"=hex:46,00,00',
    )
    found = wininet_settings(reg)
    assert found is not None and found.proxy is None and not found.auto_detect
    assert proxy_problems(reg) == [
        r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"
        r"\DefaultConnectionSettings (proxy.reg:8): connection settings too short: 3 bytes,"
        " the header alone is 12",
        r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings\ProxyEnable"
        " (proxy.reg:4): REG_SZ instead of REG_DWORD, WinINet treats the proxy as off",
    ]


# --- ProxySetting semantics -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxy", "scheme", "expected"),
    [
        ("proxy:8080", "https", "proxy:8080"),
        ("proxy:8080", "http", "proxy:8080"),
        ("http=a:80;https=b:3128", "https", "b:3128"),
        ("http=a:80;https=b:3128", "http", "a:80"),
        ("HTTP=a:80 HTTPS=b:3128", "HTTPS", "b:3128"),
        ("http=a:80;ftp=f:21", "https", None),
        ("socks=s:1080", "https", None),
        ("socks=s:1080", "http", None),
        ("a:80;https=b:3128", "https", "b:3128"),
        ("a:80;https=b:3128", "http", "a:80"),
        ("http://192.168.0.117:8080", "https", "192.168.0.117:8080"),
        ("https=http://b:3128/", "https", "b:3128"),
        ("  ;proxy:8080; ", "https", "proxy:8080"),
        (None, "https", None),
    ],
)
def test_proxy_for_scheme(proxy, scheme, expected):
    assert setting(proxy).proxy_for(scheme) == expected


@pytest.mark.parametrize(
    ("bypass", "host", "expected"),
    [
        ("<local>", "intranet", True),
        ("<LOCAL>", "Intranet", True),
        ("<local>", "intranet.contoso.com", False),
        ("<local>", "10.0.0.1", False),
        ("*.contoso.com", "www.contoso.com", True),
        ("*.contoso.com", "a.b.CONTOSO.com.", True),
        ("*.contoso.com", "contoso.com", False),
        ("*.contoso.com", "notcontoso.com", False),
        ("contoso.com", "contoso.com", True),
        ("contoso.com", "www.contoso.com", False),
        ("10.*", "10.1.2.3", True),
        ("10.*", "110.1.2.3", False),
        ("a.example;*.contoso.com <local>", "x.contoso.com", True),
        ("http://*.contoso.com:8080", "x.contoso.com", True),
        ("login.*.com", "login.microsoftonline.com", True),
        ("*", "anything.at.all", True),
        ("", "intranet", False),
        (None, "intranet", False),
    ],
)
def test_bypass_list_matching(bypass, host, expected):
    assert setting("proxy:8080", bypass).bypasses(host) is expected


def test_direct_means_no_proxy_no_pac_no_auto_detect():
    assert setting().direct
    assert not setting("p:1").direct
    assert not setting(autoconfig_url="http://x/p.pac").direct
    assert not setting(auto_detect=True).direct


# Wrapped as regedit wraps: 80 columns, ",\" at the end, two spaces on continuation lines.
REGEDIT_WRAPPED_CONNECTION_SETTINGS = r"""
"DefaultConnectionSettings"=hex:46,00,00,00,1c,00,00,00,0b,00,00,00,16,00,\
  00,00,70,72,6f,78,79,2e,63,6f,6e,74,6f,73,6f,2e,63,6f,6d,3a,38,30,38,30,15,\
  00,00,00,2a,2e,63,6f,6e,74,6f,73,6f,2e,63,6f,6d,3b,3c,6c,6f,63,61,6c,3e,00,\
  00,00,00,01,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,\
  00,00,00,00,00,00,00,00,00,00,00
"SavedLegacySettings"=hex:46,00,00,00,1b,00,00,00,03,00,00,00,00,00,00,00,\
  00,00,00,00,00,00,00,00
""".strip().split("\n")


def test_realistic_user_export_with_regedit_wrapped_default_connection_settings():
    reg = Registry.from_files(
        [
            (
                "HKCU_internet_settings.reg",
                export(
                    f"[{USER_INET}]",
                    '"CertificateRevocation"=dword:00000001',
                    '"DisableCachingOfSSLPages"=dword:00000000',
                    '"IE5_UA_Backup_Flag"="5.0"',
                    '"PrivacyAdvanced"=dword:00000001',
                    '"SecureProtocols"=dword:00000a80',
                    '"User Agent"="Mozilla/4.0 (compatible; MSIE 8.0; Win32)"',
                    '"ZonesSecurityUpgrade"=hex:e6,8d,2b,7e,4a,35,d5,01',
                    '"EnableNegotiate"=dword:00000001',
                    '"ProxyEnable"=dword:00000001',
                    '"MigrateProxy"=dword:00000001',
                    '"ProxyServer"="proxy.contoso.com:8080"',
                    '"ProxyOverride"="*.contoso.com;<local>"',
                    "",
                    rf"[{USER_INET}\Connections]",
                    *REGEDIT_WRAPPED_CONNECTION_SETTINGS,
                ),
            )
        ]
    )
    found = wininet_settings(reg)
    assert found is not None
    assert found.proxy_for("https") == "proxy.contoso.com:8080"
    assert found.auto_detect  # flags 0x0b
    assert found.bypasses("intranet") and not found.bypasses("contoso-my.sharepoint.com")
    assert proxy_problems(reg) == []
    assert winhttp_settings(reg) == []
