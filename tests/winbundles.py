r"""Windows bundles for the SCH / WHT / INE / OS tests, shaped like what `collect` writes.

Registry blocks are `reg export` sections (``[KEY]`` plus value lines); :func:`bundle` writes one
.reg file per block group the way the collector names them (registry/schannel.reg, ...), as
UTF-16LE with a BOM. Text files are written as the Windows commands write them, and
``probes.json`` holds hand-written TLS scans in the shape ``probes/tls_scan.py`` produces.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.knowledge.afd import AFD_POLICIES
from onedrive_doctor.tls.suites import by_name
from regfiles import WINDOWS_MANIFEST, reg_bytes, write_bundle

HKLM = "HKEY_LOCAL_MACHINE"
HKCU = "HKEY_CURRENT_USER"
CURRENT_VERSION = rf"{HKLM}\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
SCHANNEL = rf"{HKLM}\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
SSL_POLICY = rf"{HKLM}\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"
INET = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
INET_HKLM = rf"{HKLM}\{INET}"
INET_WOW64 = rf"{HKLM}\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings"
INET_HKCU = rf"{HKCU}\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
INET_POLICY_HKLM = rf"{HKLM}\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"

# Short spellings as findings print them.
TLS12_CLIENT = (
    r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"
)
TLS13_CLIENT = TLS12_CLIENT.replace("TLS 1.2", "TLS 1.3")
WINHTTP = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
WINHTTP_WOW64 = (
    r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
)
HKCU_INET = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
POLICY_KEY = r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"

CBC_ONLY = (
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
)

# A date on which Windows 10 22H2 and Windows 11 24H2 (Home / Pro) are both still supported.
SUPPORTED_DAY = datetime.date(2025, 6, 1)


# --- registry blocks -----------------------------------------------------------------------------


def current_version(
    product: str,
    build: int,
    *,
    display: str | None = None,
    ubr: int | None = None,
    edition: str = "Professional",
    installation: str = "Client",
    arch: str = "amd64",
) -> str:
    """The CurrentVersion section as `reg export` shows it (the values that matter plus noise)."""
    lines = [
        f"[{CURRENT_VERSION}]",
        '"SystemRoot"="C:\\\\Windows"',
        f'"BuildLabEx"="{build}.1.{arch}fre.release.000000-0000"',
        f'"CurrentBuild"="{build}"',
        f'"CurrentBuildNumber"="{build}"',
        '"CurrentType"="Multiprocessor Free"',
        f'"EditionID"="{edition}"',
        f'"InstallationType"="{installation}"',
        f'"ProductName"="{product}"',
    ]
    if display:
        lines.append(f'"DisplayVersion"="{display}"')
    if ubr is not None:
        lines.append(f'"UBR"=dword:{ubr:08x}')
    return "\n".join(lines)


WIN7 = current_version("Windows 7 Professional", 7601)
WIN8 = current_version("Windows 8 Pro", 9200)
WIN81 = current_version("Windows 8.1 Pro", 9600)
WIN10_22H2 = current_version("Windows 10 Pro", 19045, display="22H2", ubr=5131)
# Windows 11 keeps ProductName "Windows 10 Pro"; only the build tells (docs/spec/bundle.md).
WIN11_24H2 = current_version("Windows 10 Pro", 26100, display="24H2", ubr=2605)


def dword(name: str, value: int) -> str:
    """A REG_DWORD value line."""
    return f'"{name}"=dword:{value:08x}'


def multi_sz(name: str, items: Iterable[str]) -> str:
    """A REG_MULTI_SZ value line, wrapped with ``\\`` continuations as regedit does."""
    raw = b"".join(item.encode("utf-16-le") + b"\0\0" for item in items) + b"\0\0"
    hexes = [f"{byte:02x}" for byte in raw]
    head = f'"{name}"=hex(7):'
    lines: list[str] = []
    line = head
    for index, text in enumerate(hexes):
        piece = text + ("," if index < len(hexes) - 1 else "")
        if len(line) + len(piece) > 78:
            lines.append(line + "\\")
            line = "  "
        line += piece
    lines.append(line)
    return "\n".join(lines)


def schannel(*blocks: str) -> list[str]:
    """A SCHANNEL export: the key and the subkeys a default Windows 10 / 11 has, plus ``blocks``."""
    base = [
        f'[{SCHANNEL}]\n"EventLogging"=dword:00000001',
        f"[{SCHANNEL}\\Ciphers]",
        f"[{SCHANNEL}\\CipherSuites]",
        f"[{SCHANNEL}\\Hashes]",
        f"[{SCHANNEL}\\KeyExchangeAlgorithms]",
        f"[{SCHANNEL}\\Protocols]",
    ]
    return [*base, *blocks]


EMPTY_SCHANNEL = [f"[{SCHANNEL}]"]


def protocol(version: str, **values: int) -> str:
    """A `...\\Protocols\\<version>\\Client` section with REG_DWORD values."""
    return "\n".join(
        [f"[{SCHANNEL}\\Protocols\\{version}\\Client]", *(dword(n, v) for n, v in values.items())]
    )


def key_exchange(name: str, enabled: int) -> str:
    """``[...\\KeyExchangeAlgorithms\\<name>]`` with its Enabled value."""
    return f"[{SCHANNEL}\\KeyExchangeAlgorithms\\{name}]\n{dword('Enabled', enabled)}"


def ssl_policy(functions: Iterable[str] | None = None, curves: Iterable[str] | None = None) -> str:
    """The SSL Cipher Suite Order / ECC Curve Order policy key."""
    lines = [f"[{SSL_POLICY}]"]
    if functions is not None:
        lines.append(f'"Functions"="{",".join(functions)}"')
    if curves is not None:
        lines.append(multi_sz("EccCurves", curves))
    return "\n".join(lines)


def internet_settings(
    *,
    hkcu: int | None = None,
    hklm: int | None = None,
    winhttp: int | None = None,
    winhttp_wow64: int | None = None,
    wow64: bool = True,
) -> list[str]:
    """The HKLM (and WOW6432Node) Internet Settings exports with their WinHttp subkey, and HKCU."""

    def block(key: str, value: int | None, name: str) -> str:
        lines = [f"[{key}]", '"ActiveXCache"="C:\\\\Windows\\\\Downloaded Program Files"']
        if value is not None:
            lines.append(dword(name, value))
        return "\n".join(lines)

    blocks = [
        block(INET_HKLM, hklm, "SecureProtocols"),
        block(INET_HKLM + r"\WinHttp", winhttp, "DefaultSecureProtocols"),
        block(INET_HKCU, hkcu, "SecureProtocols"),
    ]
    if wow64:
        blocks += [
            block(INET_WOW64, None, "SecureProtocols"),
            block(INET_WOW64 + r"\WinHttp", winhttp_wow64, "DefaultSecureProtocols"),
        ]
    return blocks


# --- text files ----------------------------------------------------------------------------------


def hotfixes(*kbs: str) -> bytes:
    """``wmic qfe get HotFixID`` redirected by cmd.exe: UTF-16LE, padded columns, CRLF."""
    lines = ["HotFixID   ", *(f"{kb}  " for kb in kbs), "", ""]
    return b"\xff\xfe" + "\r\n".join(lines).encode("utf-16-le")


WIN7_HOTFIXES = hotfixes("KB2533552", "KB2999226", "KB4019990", "KB4474419", "KB4490628")
WIN10_HOTFIXES = hotfixes("KB5011048", "KB5015684", "KB5031988", "KB5032189")


def tls_scan(
    host: str = "login.microsoftonline.com", policy: str = "TLSv1.2_2022", via: str | None = None
) -> dict[str, Any]:
    """A ``tls_scan`` attempt of an endpoint serving a documented AFD policy."""
    afd = AFD_POLICIES[policy]

    def suites(names: Iterable[str]) -> list[dict[str, str]]:
        found = [by_name(n) for n in names]
        return [{"name": s.name, "code": f"0x{s.code:04X}"} for s in found if s is not None]

    def entry(names: Iterable[str]) -> dict[str, Any]:
        listed = suites(names)
        return {"accepted": bool(listed), "cipher_suites": listed, "server_order": True}

    protocols = {label: entry(()) for label in ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")}
    protocols["TLSv1.2"] = entry(afd.tls12)
    protocols["TLSv1.3"] = entry(afd.tls13)
    return {
        "probe": "tls_scan",
        "target": f"{host}:443",
        "status": "ok",
        "error": None,
        "elapsed_s": 1.8,
        "via": via,
        "result": {
            "target": {
                "host": host,
                "port": 443,
                "sni": host,
                "address": "20.190.151.68",
                "proxy": via,
            },
            "protocols": protocols,
            "groups": {},
            "certificate_chain": [],
            "afd_policy": policy,
            "connections": 14,
            "elapsed_s": 1.8,
        },
    }


def probes(*attempts: dict[str, Any]) -> str:
    """``probes.json`` with these attempts."""
    return json.dumps({"attempts": list(attempts), "config": {}, "elapsed_s": 2.0})


# --- bundles -------------------------------------------------------------------------------------


def bundle(
    root: Path,
    registry: dict[str, list[str] | str],
    **files: bytes | str,
) -> Path:
    """A Windows bundle: ``registry`` maps a file stem to its blocks; ``files`` are other files.

    A keyword's underscores become dots and dashes: ``hotfixes_txt`` -> ``hotfixes.txt``,
    ``probes_json`` -> ``probes.json``.
    """
    manifest = globals().get("WINDOWS_MANIFEST_OF_BUNDLE", WINDOWS_MANIFEST)
    content: dict[str, bytes | str] = {"manifest.json": manifest}
    for stem, blocks in registry.items():
        if isinstance(blocks, str):
            blocks = [blocks]
        content[f"registry/{stem}.reg"] = reg_bytes(*blocks)
    for name, data in files.items():
        stem, _, ext = name.rpartition("_")
        content[f"{stem.replace('_', '-')}.{ext}"] = data
    return write_bundle(root, content)


def default_registry(version: str) -> dict[str, list[str] | str]:
    """A healthy 64-bit PC: CurrentVersion, SCHANNEL, Internet Settings (no TLS values set)."""
    return {
        "currentversion": version,
        "schannel": schannel(protocol("SSL 2.0", DisabledByDefault=1)),
        "inet": internet_settings(),
    }


def findings(
    cli: Any, root: Path, prefixes: tuple[str, ...] = ("SCH", "WHT", "INE", "OS")
) -> dict[str, dict[str, Any]]:
    """Analyze ``root``; the findings of the Windows TLS families by ID."""
    result = cli("analyze", str(root), "--format", "json")
    return {f["id"]: f for f in result.json()["findings"] if f["id"].startswith(prefixes)}


def manifest_collected(day: datetime.date) -> str:
    """The Windows manifest of a bundle collected on ``day`` (checks judge as of that day)."""
    return WINDOWS_MANIFEST.replace(
        "2026-11-20T10:00:00+00:00", f"{day.isoformat()}T10:00:00+00:00"
    )


def freeze_today(monkeypatch: pytest.MonkeyPatch, day: datetime.date = SUPPORTED_DAY) -> None:
    """Make OS002 compare support dates with ``day``: bundles built after this are collected then.

    Checks read the clock only through the evidence's collection date (``as_of``), so the
    bundle's manifest carries the day.
    """
    monkeypatch.setitem(globals(), "WINDOWS_MANIFEST_OF_BUNDLE", manifest_collected(day))


def status(finding: dict[str, Any]) -> tuple[str, str, str | None]:
    """``(id, status, severity)``: what every test asserts exactly."""
    return finding["id"], finding["status"], finding["severity"]


# Bundles on which some check fails, each with a fix: shared by the typed-change tests and the
# findings snapshot.
SCENARIOS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "win7-defaults": (
        {"currentversion": WIN7, "schannel": EMPTY_SCHANNEL, "inet": internet_settings()},
        {"hotfixes_txt": WIN7_HOTFIXES},
    ),
    "win10-tls12-off": (
        {
            "currentversion": WIN10_22H2,
            "schannel": schannel(protocol("TLS 1.2", Enabled=0)),
            "inet": internet_settings(hkcu=0xA0),
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
    "win10-ecdh-off": (
        {
            "currentversion": WIN10_22H2,
            "schannel": schannel(key_exchange("ECDH", 0)),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
    "win10-cbc-policy": (
        {
            "currentversion": WIN10_22H2,
            "schannel": EMPTY_SCHANNEL,
            "ssl-policy": ssl_policy(CBC_ONLY),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
}
