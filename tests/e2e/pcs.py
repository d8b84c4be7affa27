r"""The PC side of the scenarios: fake Windows hosts (``ONEDRIVE_DOCTOR_FAKE_HOST``) made of files.

Each is the folder collect/fake.py reads: ``registry/*.reg`` (tests/winbundles.py writes them as
``reg export`` does), the command outputs, and OneDrive's files under ``files/C/...``.
"""

from __future__ import annotations

import struct
from pathlib import Path

import winbundles as wb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dsregcmd"
ENTRA_PRT_OK = FIXTURES / "dsregcmd_entra_joined_prt_ok_win10.txt"
LOCALAPPDATA = r"C:\Users\alice\AppData\Local"
CONNECTIONS = rf"{wb.INET_HKLM}\Connections"


def winhttp_blob(proxy: str) -> str:
    """``WinHttpSettings`` as `reg export` prints it: a manual proxy (flags 3), no bypass."""
    data = struct.pack("<III", 0x18, 0, 3 if proxy else 1)
    for text in (proxy, ""):
        data += struct.pack("<I", len(text)) + text.encode()
    return "hex:" + ",".join(f"{b:02x}" for b in data)


def proxy_blocks(proxy: str) -> list[str]:
    """Internet Options (WinINet) and WinHTTP both set to ``proxy`` (``host:port``).

    Both, as `netsh winhttp import proxy source=ie` leaves a PC: sign-in (WinINet) and device
    registration (WinHTTP, system context) then go the same way, and NET007 has no mismatch.
    """
    return [
        f'[{wb.INET_HKCU}]\n"ProxyEnable"=dword:00000001\n"ProxyServer"="{proxy}"',
        f'[{CONNECTIONS}]\n"WinHttpSettings"={winhttp_blob(proxy)}',
    ]


def direct_blocks() -> list[str]:
    """No proxy in Internet Options nor in WinHTTP (`netsh winhttp reset proxy`)."""
    return [
        f'[{wb.INET_HKCU}]\n"ProxyEnable"=dword:00000000',
        f'[{CONNECTIONS}]\n"WinHttpSettings"={winhttp_blob("")}',
    ]


def _onedrive(root: Path) -> None:
    install = root / "files" / "C" / "Users" / "alice" / "AppData" / "Local" / "Microsoft"
    (install / "OneDrive" / "24.101.0519.0001").mkdir(parents=True)
    (install / "OneDrive" / "OneDrive.exe").write_bytes(b"MZ")


def _host(root: Path) -> None:
    (root / "manifest.json").unlink()  # a PC has no manifest; collect writes one
    (root / "host.json").write_text(
        '{"environ": {"LOCALAPPDATA": "C:\\\\Users\\\\alice\\\\AppData\\\\Local"}}'
    )
    _onedrive(root)


def windows11(root: Path, proxy: str | None = None) -> Path:
    """A healthy, Entra-joined Windows 11 24H2 PC with OneDrive; optionally behind ``proxy``."""
    registry = wb.default_registry(wb.WIN11_24H2)
    registry["proxy"] = proxy_blocks(proxy) if proxy else direct_blocks()
    wb.bundle(
        root, registry, hotfixes_txt=wb.WIN10_HOTFIXES, dsregcmd_txt=ENTRA_PRT_OK.read_bytes()
    )
    _host(root)
    return root


#: A CBC-only Group Policy list: the SHA-1 and RSA-key-exchange CBC suites of winbundles.CBC_ONLY
#: plus the two ECDHE_RSA CBC suites with SHA-2 that TLSv1.2_2022 keeps (AFD-2026 table).
CBC_POLICY = (
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    *wb.CBC_ONLY,
)


def windows10_cbc_policy(root: Path) -> Path:
    """Windows 10 22H2 whose Group Policy cipher suite list holds CBC suites only."""
    registry = wb.default_registry(wb.WIN10_22H2)
    registry["ssl-policy"] = wb.ssl_policy(CBC_POLICY)
    registry["proxy"] = direct_blocks()
    wb.bundle(
        root, registry, hotfixes_txt=wb.WIN10_HOTFIXES, dsregcmd_txt=ENTRA_PRT_OK.read_bytes()
    )
    _host(root)
    return root


def windows7_patched(root: Path) -> Path:
    """Windows 7 SP1 with every local fix: TLS 1.2 on, KB3140245 + KB3042058, WinHTTP 0xA00.

    What is left is what no setting can change: Windows 7 cannot offer AFD's ECDHE_RSA GCM
    suites nor TLS 1.3 (OS001).
    """
    registry = {
        "currentversion": wb.WIN7,
        "schannel": wb.schannel(wb.protocol("TLS 1.2", DisabledByDefault=0, Enabled=1)),
        "inet": wb.internet_settings(hkcu=0xA80, winhttp=0xA00, winhttp_wow64=0xA00),
        "proxy": direct_blocks(),
    }
    hotfixes = wb.hotfixes(
        "KB2533552", "KB2999226", "KB3042058", "KB3140245", "KB4019990", "KB4474419", "KB4490628"
    )
    wb.bundle(root, registry, hotfixes_txt=hotfixes)
    _host(root)
    return root
