r"""Bundles on which a fixable check fails, for the fix engine tests (issue 12 "Done when").

Each is written like ``collect`` writes one (``reg export`` UTF-16LE files); the fix engine
applies the plan to these real files and ``analyze`` judges them again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from winbundles import (
    EMPTY_SCHANNEL,
    SCENARIOS,
    WIN7,
    WIN7_HOTFIXES,
    WIN10_22H2,
    WIN10_HOTFIXES,
    bundle,
    dword,
    hotfixes,
    internet_settings,
    key_exchange,
    multi_sz,
    probes,
    protocol,
    schannel,
    tls_scan,
)

ONEDRIVE_HKCU = r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive]"
ALICE_TRIGGER = (
    r'"OneDriveTrigger"="C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe"'
)

LOCAL_SSL = (
    r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local"
    r"\SSL\00010002]"
)

#: "CHECK" or "CHECK/variant" -> (bundle name, registry blocks, other files): a bundle on which
#: the check fails and the plan has a registry fix for it.
FIXABLE: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "SCH001": ("win10-tls12-off", *SCENARIOS["win10-tls12-off"]),
    "SCH002": ("win10-ecdh-off", *SCENARIOS["win10-ecdh-off"]),
    # Windows 7 has no TLS cmdlets: the AFD suites go on top of the local Functions list (the
    # endpoint measured serving TLSv1.2_2022, which still takes ECDHE_RSA CBC).
    "SCH002/local-list": (
        "win7-local-list-without-afd-suites",
        {
            "currentversion": WIN7,
            "schannel": schannel(protocol("TLS 1.2", Enabled=1, DisabledByDefault=0)),
            "ssl-local": LOCAL_SSL
            + "\n"
            + multi_sz(
                "Functions",
                [
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
                    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
                ],
            ),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN7_HOTFIXES, "probes_json": probes(tls_scan(policy="TLSv1.2_2022"))},
    ),
    # The AFD suites are in Windows 7's local list, but below the ones AFD refuses: they go on top.
    "SCH003/local-list": (
        "win7-local-list-afd-suites-last",
        {
            "currentversion": WIN7,
            "schannel": schannel(protocol("TLS 1.2", Enabled=1, DisabledByDefault=0)),
            "ssl-local": LOCAL_SSL
            + "\n"
            + multi_sz(
                "Functions",
                [
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_RSA_WITH_AES_256_CBC_SHA",
                    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
                ],
            ),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN7_HOTFIXES, "probes_json": probes(tls_scan(policy="TLSv1.2_2022"))},
    ),
    "SCH008/local-list": (
        "win10-local-list-with-unknown-names",
        {
            "currentversion": WIN10_22H2,
            "schannel": EMPTY_SCHANNEL,
            "ssl-local": LOCAL_SSL
            + "\n"
            + multi_sz(
                "Functions",
                [
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_NOT_A_SUITE",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                ],
            ),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
    "SCH008/local-curves": (
        "win10-local-curves-with-spaces",
        {
            "currentversion": WIN10_22H2,
            "schannel": EMPTY_SCHANNEL,
            "ssl-local": LOCAL_SSL
            + "\n"
            + multi_sz("EccCurves", ["NistP384 NistP256", "NistP256"]),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
    # Office's identity switches, set by the user (HKCU, not a policy): deleted as the user.
    "IDN007": (
        "win10-office-wam-off",
        {
            "currentversion": WIN10_22H2,
            "schannel": EMPTY_SCHANNEL,
            "inet": internet_settings(),
            "office-identity": "\n".join(
                [
                    r"[HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Common\Identity]",
                    dword("EnableADAL", 0),
                    dword("DisableAADWAM", 1),
                    dword("Version", 1),
                ]
            ),
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
    "SCH005": (
        "win10-dh-and-ecdh-off",
        {
            "currentversion": WIN10_22H2,
            "schannel": schannel(key_exchange("ECDH", 0), key_exchange("Diffie-Hellman", 0)),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
    "SCH007": (
        "win10-tls13-forced",
        {
            "currentversion": WIN10_22H2,
            "schannel": schannel(protocol("TLS 1.3", Enabled=1, DisabledByDefault=0)),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
    "WHT001": (
        "win7-kb3140245-no-value",
        {
            "currentversion": WIN7,
            "schannel": schannel(protocol("TLS 1.2", Enabled=1, DisabledByDefault=0)),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": hotfixes("KB2533552", "KB3140245", "KB4474419")},
    ),
    "INE001": ("win10-tls12-off", *SCENARIOS["win10-tls12-off"]),
    "ODC003": (
        "win10-oneauth-unrecoverable",
        {
            "currentversion": WIN10_22H2,
            "schannel": EMPTY_SCHANNEL,
            "inet": internet_settings(),
            "onedrive-hkcu": ONEDRIVE_HKCU
            + '\n"OneAuthUnrecoverableTimestamp"=hex(b):00,6c,ee,3c,00,00,00,00\n'
            + ALICE_TRIGGER,
        },
        {"hotfixes_txt": WIN10_HOTFIXES},
    ),
}


def fixable_bundle(root: Path, check: str) -> Path:
    """The bundle on which ``check`` (a key of :data:`FIXABLE`) fails, written under ``root``."""
    name, registry, files = FIXABLE[check]
    return bundle(root / name, registry, **files)


def check_of(key: str) -> str:
    """``SCH002/local-list`` -> ``SCH002``."""
    return key.split("/", 1)[0]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> sha256 of its bytes)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
