"""The effective Windows TLS client model, from registry exports Windows itself writes."""

from __future__ import annotations

from typing import Any

import pytest

from onedrive_doctor.evidence import Evidence
from onedrive_doctor.registry.regfile import Registry
from onedrive_doctor.tls import ProtocolVersion
from onedrive_doctor.windows.client_model import client_profile
from regfiles import reg_bytes

CV = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"
SCHANNEL = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
POLICY = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002]"
LOCAL = (
    r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration"
    r"\Local\SSL\00010002]"
)
WINHTTP = (
    r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"
)
WINHTTP64 = (
    r"[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion"
    r"\Internet Settings\WinHttp]"
)


def _version(build: int, product: str = "Windows 10 Pro") -> str:
    return f'{CV}\n"ProductName"="{product}"\n"CurrentBuild"="{build}"'


def _profile(*blocks: str, texts: dict[str, str] | None = None) -> Any:
    registry = Registry.from_files([("registry/x.reg", reg_bytes(*blocks))])
    profile = client_profile(Evidence(registry=registry, texts=texts or {}))
    assert profile is not None
    return profile


def _tls12(*values: str) -> str:
    return "\n".join([f"[{SCHANNEL}\\Protocols\\TLS 1.2\\Client]", *values])


@pytest.mark.parametrize(
    ("build", "values", "state"),
    [
        (7601, (), "disabled-by-default"),  # Windows 7: off until the registry says otherwise
        (7601, ('"Enabled"=dword:00000001',), "disabled-by-default"),
        (7601, ('"DisabledByDefault"=dword:00000000',), "enabled"),
        (7601, ('"Enabled"=dword:00000001', '"DisabledByDefault"=dword:00000000'), "enabled"),
        (19045, (), "enabled"),
        (19045, ('"Enabled"=dword:00000000',), "disabled"),
        (19045, ('"DisabledByDefault"=dword:00000001',), "disabled-by-default"),
        (19045, ('"Enabled"=dword:ffffffff',), "enabled"),
    ],
)
def test_schannel_enabled_and_disabled_by_default_semantics(
    build: int, values: tuple[str, ...], state: str
) -> None:
    product = "Windows 7 Professional" if build == 7601 else "Windows 10 Pro"
    profile = _profile(_version(build, product), _tls12(*values))
    assert profile.protocol(ProtocolVersion.TLSv1_2).state == state


def test_tls13_forced_on_windows10_is_flagged_and_not_offered() -> None:
    block = f'[{SCHANNEL}\\Protocols\\TLS 1.3\\Client]\n"Enabled"=dword:00000001'
    profile = _profile(_version(19045), block)
    setting = profile.protocol(ProtocolVersion.TLSv1_3)
    assert (setting.state, setting.forced) == ("not-supported", True)
    assert ProtocolVersion.TLSv1_3 not in profile.offered_protocols


def test_policy_list_wins_over_local_list_and_cmdlet_output() -> None:
    profile = _profile(
        _version(19045),
        f'{POLICY}\n"Functions"="TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,TLS_RSA_WITH_AES_128_CBC_SHA"',
        f'{LOCAL}\n"Functions"=hex(7):54,00,4c,00,53,00,00,00,00,00',
        texts={"cipher-suites.txt": "Name\n----\nTLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n"},
    )
    assert profile.cipher_source == "policy"
    assert profile.cipher_suites == (
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
    )


def test_cmdlet_output_is_used_when_no_registry_list_exists() -> None:
    profile = _profile(
        _version(19045),
        texts={"cipher-suites.txt": "Name\n----\nTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"},
    )
    assert (profile.cipher_source, profile.cipher_suites) == (
        "cipher-suites.txt",
        ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",),
    )


def test_disabled_diffie_hellman_removes_the_dhe_suites() -> None:
    profile = _profile(
        _version(9600, "Windows 8.1 Pro"),
        f'[{SCHANNEL}\\KeyExchangeAlgorithms\\Diffie-Hellman]\n"Enabled"=dword:00000000',
    )
    assert not profile.dh_enabled
    assert not any("_DHE_" in s for s in profile.cipher_suites)
    assert "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" in profile.removed_suites


def test_windows7_without_kb3042058_lacks_the_rsa_and_dhe_gcm_suites() -> None:
    profile = _profile(
        _version(7601, "Windows 7 Professional"),
        _tls12('"DisabledByDefault"=dword:00000000'),
        texts={"hotfixes.txt": "HotFixID\nKB976902\n"},
    )
    # Windows 7 has ECDHE_ECDSA GCM natively; KB3042058 adds the DHE_RSA and RSA GCM suites.
    assert [s for s in profile.cipher_suites if "GCM" in s] == [
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    ]
    assert profile.kb3140245 is False


def test_winhttp_value_needs_kb3140245_on_windows7() -> None:
    blocks = (
        _version(7601, "Windows 7 Professional"),
        f'{WINHTTP}\n"DefaultSecureProtocols"=dword:00000a00',
    )
    without = _profile(*blocks, texts={"hotfixes.txt": "HotFixID\nKB976902\n"})
    with_kb = _profile(*blocks, texts={"hotfixes.txt": "HotFixID\nKB3140245\n"})
    assert without.winhttp["native"] == without.family.winhttp_default_protocols
    assert with_kb.winhttp["native"] == 0xA00
    assert with_kb.winhttp["wow64"] == with_kb.family.winhttp_default_protocols
    assert with_kb.winhttp_values == {"native": 0xA00, "wow64": None}


def test_wininet_policy_beats_the_user_value() -> None:
    profile = _profile(
        _version(26100),
        r"[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings]"
        '\n"SecureProtocols"=dword:00000a80',
        r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings]"
        '\n"SecureProtocols"=dword:00000800',
    )
    assert profile.wininet == 0x800
    assert "machine policy" in profile.wininet_source


def test_windows11_reported_as_windows10_is_windows11() -> None:
    profile = _profile(_version(26100, "Windows 10 Pro"))
    assert profile.family.key.startswith("win11")
    assert ProtocolVersion.TLSv1_3 in profile.offered_protocols


def test_no_current_version_gives_no_profile() -> None:
    registry = Registry.from_files([("registry/x.reg", reg_bytes(_tls12()))])
    assert client_profile(Evidence(registry=registry)) is None
